import Foundation

/// What ending a session does to what was issued in it (OpenID Connect Back-Channel Logout 1.0
/// §2.7, Core §11) and what each client is told (§2.4, §2.5).
enum SignOutRules {
    /// Whether sign-out revokes this family: by policy, and never one granted `offline_access`,
    /// which is meant to outlive the session (Core §11).
    static func revokes(_ family: RefreshFamily, policy: Policy) -> Bool {
        policy.signOutRevokesRefreshTokens && !family.scopes.contains(.offlineAccess)
    }

    /// The logout token for one client (§2.4): `sub` and `sid` both, so a client that keys its
    /// sessions by either finds it; `exp` short (`Policy.logoutTokenLifetime`).
    static func logoutToken(
        issuer: String, client: ClientID, subject: Subject, session: SessionID, jwtID: String, policy: Policy,
        now: Date
    ) -> LogoutToken {
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return LogoutToken(
            issuer: issuer, audience: [client.rawValue], issuedAt: issuedAt,
            expiresAt: issuedAt + max(1, policy.logoutTokenLifetime.rounded(.down)), jwtID: jwtID, subject: subject,
            sessionID: session)
    }
}
