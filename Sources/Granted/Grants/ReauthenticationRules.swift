import Foundation

/// Whether the user's last sign-in satisfies what the authorization request demanded of it
/// (OpenID Connect Core §3.1.2.1 `prompt=login`, `max_age`), checked again when the decision
/// comes back, so a host whose pages let a decision through without the sign-in still cannot
/// approve for an old session.
enum ReauthenticationRules {
    /// - Throws: `loginRequired` when more than `max_age` seconds passed since `authTime`, or the
    ///   request said `prompt=login` and `authTime` is older than `Policy.promptLoginWindow`.
    static func check(_ request: AuthorizationRequest, authTime: Date, now: Date, policy: Policy) throws(OAuthError) {
        let age = now.timeIntervalSince(authTime)
        if let maxAge = request.maxAge, age > TimeInterval(maxAge) { throw .loginRequired }
        if request.prompt.contains(.login), age > policy.promptLoginWindow { throw .loginRequired }
    }
}
