import Foundation

/// Who is signed in at the user agent, as the host's session knows it.
public struct UserSession: Sendable, Hashable {
    public let subject: Subject
    /// When the user last authenticated (OpenID Connect `auth_time`).
    public let authTime: Date
    /// The session's identifier (Back-Channel Logout 1.0 §2.1 `sid`): the host's own, or
    /// `AuthorizationServer.newSessionID()`. With one, ID tokens carry `sid`, the server records
    /// which clients the session signed in to, and `signOut` tells them; without, none of that.
    public let id: SessionID?
    public init(subject: Subject, authTime: Date, id: SessionID? = nil) {
        self.subject = subject
        self.authTime = authTime
        self.id = id
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
        var session = session
        if let id = session?.id {
            // A session signed out is no session (RP-Initiated Logout 1.0 §2), whatever the host kept.
            do {
                if try await store.updateSession(id, { $0?.isActive }) == false { session = nil }
            } catch {
                return rejection(request, .serverError)
            }
        }
        let step = OpenIDConnectRules.step(
            for: request, session: session, hint: hint(request), signedInNow: signedInNow, now: clock.now)
        guard case .checkConsent(let session) = step else { return render(step, request) }
        let approved: Bool
        do {
            approved = try await store.authorizations(of: session.subject).contains {
                $0.isActive && $0.client == request.client.id && request.scopes.isSubset(of: $0.scopes)
            }
        } catch {
            return rejection(request, .serverError)
        }
        return render(
            OpenIDConnectRules.interaction(for: request, session: session, previouslyApproved: approved), request)
    }

    private func render(_ step: OpenIDConnectRules.Step, _ request: AuthorizationRequest) -> Interaction {
        switch step {
        case .signIn: .signIn
        case .reject(let error): rejection(request, error)
        // Only reached before prior consent is read; asking again is the safe answer.
        case .checkConsent(let session): .consent(session, previouslyApproved: false)
        case .consent(let session, let previouslyApproved): .consent(session, previouslyApproved: previouslyApproved)
        case .approve(let session): .approve(session)
        }
    }

    private func rejection(_ request: AuthorizationRequest, _ error: OAuthError) -> Interaction {
        .reject(reject(request, with: error), error)
    }
}
