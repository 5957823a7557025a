import Foundation

/// The OpenID Connect rules that sit on top of the OAuth grants (Core §3.1.2.1, §3.1.2.3,
/// §3.1.3.6, §12.2): when an ID token is issued and what it says, and what a request's `prompt`
/// and `max_age` demand of the host's session.
enum OpenIDConnectRules {
    /// What the host must do next (the engine's side of `Interaction`).
    enum Step: Sendable, Hashable {
        case signIn
        /// The request forbade the interaction it needs (`prompt=none`, Core §3.1.2.6).
        case reject(OAuthError)
        /// The session satisfies the request; whether consent is needed depends on what the user
        /// already approved, which `interaction(for:session:previouslyApproved:)` decides.
        case checkConsent(UserSession)
        case consent(UserSession, previouslyApproved: Bool)
        case approve(UserSession)
    }

    /// Whom the request's `id_token_hint` names (Core §3.1.2.1).
    enum Hint: Sendable, Hashable {
        case none
        /// An ID token of ours about this user.
        case subject(Subject)
        /// Not an ID token this server issued: names nobody the session can be.
        case foreign
    }

    /// An ID token for a code whose request was an OpenID Connect one (`openid` scope).
    static func idToken(for code: AuthorizationCode) -> IDTokenPlan? {
        code.scopes.contains(.openid) ? IDTokenPlan(nonce: code.nonce, authTime: code.authTime, sessionID: code.sessionID) : nil
    }

    /// The claims every ID token carries (Core §2); `at_hash` and `c_hash` whenever an access
    /// token or a code is issued with it (required by §3.2.2.10 and §3.3.2.11, allowed elsewhere).
    static func claims(
        _ plan: IDTokenPlan, issuer: String, client: ClientID, subject: Subject, accessToken: String?,
        code: String?, lifetime: TimeInterval, now: Date
    ) -> JWTClaims {
        JWTClaims(
            issuer: issuer, subject: subject.rawValue, audience: [client.rawValue],
            expiresAt: now + lifetime.rounded(.down), issuedAt: now, authTime: plan.authTime,
            nonce: plan.nonce, authorizedParty: client.rawValue,
            accessTokenHash: accessToken.map(JWT.halfHash), codeHash: code.map(JWT.halfHash),
            extraClaims: plan.sessionID.map { [JWTClaims.ExtraClaim(name: "sid", string: $0.rawValue)] } ?? [])
    }

    /// Decides from `prompt`, `max_age` and `id_token_hint` whether the session will do (Core
    /// §3.1.2.1).
    /// - Parameters:
    ///   - signedInNow: the user authenticated during this very request, which satisfies
    ///     `prompt=login` and `max_age`.
    static func step(
        for request: AuthorizationRequest, session: UserSession?, hint: Hint, signedInNow: Bool,
        now: Date
    ) -> Step {
        let silent = request.prompt.contains(.none)
        guard let session else { return silent ? .reject(.loginRequired) : .signIn }
        // An id_token_hint naming another user than the session's is not them.
        if hint != .none && hint != .subject(session.subject) {
            return silent ? .reject(.loginRequired) : .signIn
        }
        if !signedInNow {
            if request.prompt.contains(.login) || request.prompt.contains(.selectAccount) { return .signIn }
            if let maxAge = request.maxAge, now.timeIntervalSince(session.authTime) > TimeInterval(maxAge) {
                return silent ? .reject(.loginRequired) : .signIn
            }
        }
        return .checkConsent(session)
    }

    /// Once prior consent is known: `prompt=none` needs it all (Core §3.1.2.6, `consent_required`),
    /// `prompt=consent` asks again whatever was approved.
    static func interaction(
        for request: AuthorizationRequest, session: UserSession, previouslyApproved: Bool
    ) -> Step {
        if request.prompt.contains(.none) {
            return previouslyApproved ? .approve(session) : .reject(.consentRequired)
        }
        return .consent(session, previouslyApproved: previouslyApproved && !request.prompt.contains(.consent))
    }
}
