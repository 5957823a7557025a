import Foundation

/// Who is signed in at the user agent, as the host's session knows it.
public struct UserSession: Sendable, Hashable {
    public let subject: Subject
    /// When the user last authenticated (OpenID Connect `auth_time`).
    public let authTime: Date
    public init(subject: Subject, authTime: Date) {
        self.subject = subject
        self.authTime = authTime
    }
}

/// What the host must do next with an authorization request (OpenID Connect Core §3.1.2.3):
/// the engine asks the questions (`prompt`, `max_age`, prior consent), the host answers them.
public enum Interaction: Sendable {
    /// Show the sign-in form.
    case signIn
    /// Ask consent for the request's scopes. `previouslyApproved` says the user already
    /// authorized all of them for this client, should the host want to skip the page.
    case consent(UserSession, previouslyApproved: Bool)
    /// No interaction is needed or allowed (`prompt=none` with a session and prior consent): call
    /// `approve` now.
    case approve(UserSession)
    /// The request cannot proceed without interaction it forbade: send this redirect
    /// (`login_required`, `consent_required`, Core §3.1.2.6).
    case reject(OAuthResponse, OAuthError)
}

extension AuthorizationServer {
    /// Decides the next step from the request's `prompt` and `max_age` and the host's session.
    /// Ask it when the request arrives, not again when the consent form comes back: `prompt=login`
    /// would send the user to sign in once more. On the consent POST call `approve` or `deny`.
    /// - Parameter signedInNow: the user authenticated during this very request, which satisfies
    ///   `prompt=login` and `max_age`.
    public func interaction(
        for request: AuthorizationRequest, session: UserSession?, signedInNow: Bool = false
    ) async -> Interaction {
        let now = clock.now
        let silent = request.prompt.contains(.none)
        guard let session else {
            return silent ? rejection(request, .loginRequired) : .signIn
        }
        // Core §3.1.2.1: an id_token_hint naming another user than the session's is not them.
        if let hint = request.hints["id_token_hint"], subject(ofIDTokenHint: hint) != session.subject {
            return silent ? rejection(request, .loginRequired) : .signIn
        }
        if !signedInNow {
            if request.prompt.contains(.login) || request.prompt.contains(.selectAccount) {
                return .signIn
            }
            if let maxAge = request.maxAge, now.timeIntervalSince(session.authTime) > TimeInterval(maxAge) {
                return silent ? rejection(request, .loginRequired) : .signIn
            }
        }
        let approved: Bool
        do {
            approved = try await store.authorizations(of: session.subject).contains {
                $0.isActive && $0.client == request.client.id && request.scopes.isSubset(of: $0.scopes)
            }
        } catch {
            return rejection(request, .serverError)
        }
        if silent {
            return approved ? .approve(session) : rejection(request, .consentRequired)
        }
        return .consent(session, previouslyApproved: approved && !request.prompt.contains(.consent))
    }

    private func rejection(_ request: AuthorizationRequest, _ error: OAuthError) -> Interaction {
        .reject(reject(request, with: error), error)
    }
}
