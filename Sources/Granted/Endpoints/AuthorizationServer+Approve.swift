import Foundation

/// The resource owner's decision (RFC 6749 §4.1.2, §4.2.2): the host signed the user in and asked
/// consent with its own UI; these answer the redirect back to the client.
extension AuthorizationServer {
    /// Issues what the request asked for (a code, tokens) for the approved scopes, records the
    /// user's authorization of the client, and redirects (303) to the client.
    /// - Parameters:
    ///   - scopes: what the user approved; nil approves everything asked. Only scopes asked for
    ///     count; when fewer than asked are approved, the response says so in `scope`.
    ///   - authTime: when the user last authenticated (OpenID Connect `auth_time`); too old for the
    ///     request's `prompt=login` or `max_age`, the answer is `login_required` (Core §3.1.2.1).
    public func approve(
        _ request: AuthorizationRequest, subject: Subject, scopes approved: ScopeSet? = nil,
        authTime: Date
    ) async -> OAuthResponse {
        await approve(request, session: UserSession(subject: subject, authTime: authTime), scopes: approved)
    }

    /// `approve(_:subject:scopes:authTime:)` in a session: with its `id`, the session records the
    /// client (whom sign-out tells, Back-Channel Logout 1.0 §2.1) and ID tokens carry `sid`. A
    /// session that ended, or is another user's, answers `login_required`.
    public func approve(
        _ request: AuthorizationRequest, session: UserSession, scopes approved: ScopeSet? = nil
    ) async -> OAuthResponse {
        let now = clock.now
        let subject = session.subject
        let authTime = session.authTime
        do {
            guard
                let plan = try AuthorizationResponseGrant.plan(
                    for: request, approved: approved, authTime: authTime, policy: policy)
            else { return deny(request) }
            try ReauthenticationRules.check(request, authTime: authTime, now: now, policy: policy)
            if let id = session.id { try await recordSignIn(id, subject: subject, client: request.client.id, now: now) }
            let parameters = try await issuing.issue(
                plan, for: request, subject: subject, authTime: authTime, sessionID: session.id, now: now)
            return AuthorizationResponse.redirect(
                to: request.redirectURI, mode: request.responseMode, parameters: parameters, issuer: issuer)
        } catch {
            return reject(request, with: error)
        }
    }

    /// Adds the client to the session's record, creating it on the first approval.
    /// - Throws: `loginRequired` for a session that ended or is another user's.
    func recordSignIn(_ id: SessionID, subject: Subject, client: ClientID, now: Date) async throws(OAuthError) {
        let recording = try await seam {
            try await store.updateSession(id) { record in
                if record == nil { record = SignInSession(id: id, subject: subject, createdAt: now) }
                return record?.signIn(to: client, subject: subject) ?? .ended
            }
        }
        guard recording == .recorded else { throw .loginRequired }
    }

    /// The user said no: `access_denied` (§4.1.2.1).
    public func deny(_ request: AuthorizationRequest) -> OAuthResponse {
        reject(request, with: .accessDenied)
    }

    /// Sends an error the host decided on to the client, e.g. `login_required` for `prompt=none`
    /// without a session (OpenID Connect Core §3.1.2.6), with `state`.
    public func reject(_ request: AuthorizationRequest, with error: OAuthError) -> OAuthResponse {
        AuthorizationResponse.redirect(
            to: request.redirectURI, mode: request.responseMode,
            parameters: error.redirectParameters + [("state", request.state)], issuer: issuer)
    }
}
