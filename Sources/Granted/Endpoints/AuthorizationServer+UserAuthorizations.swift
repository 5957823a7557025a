import Foundation

/// What a user sees and controls: the apps they authorized, and taking that access back.
/// Store failures answer `server_error`, as at every endpoint.
extension AuthorizationServer {
    /// The user's active authorizations, one per client, oldest first.
    public func authorizations(of subject: Subject) async throws(OAuthError) -> [UserAuthorization] {
        try await seam { try await store.authorizations(of: subject) }.filter(\.isActive)
    }

    /// Revokes one authorization of the user's: every code, access token and refresh token that
    /// hangs from it stops working at once. Answers false when it is not theirs or already revoked.
    @discardableResult
    public func revokeAuthorization(_ id: AuthorizationID, of subject: Subject) async throws(OAuthError) -> Bool {
        let now = clock.now
        return try await seam {
            try await store.updateAuthorization(id) { authorization in
                guard authorization.subject == subject else { return false }
                return authorization.revoke(at: now)
            }
        } ?? false
    }

    /// Revokes the user's authorization of a client, if there is an active one.
    @discardableResult
    public func revokeAuthorization(of subject: Subject, for client: ClientID) async throws(OAuthError) -> Bool {
        let now = clock.now
        return try await seam {
            try await store.updateAuthorization(subject: subject, client: client) { authorization in
                authorization?.revoke(at: now) ?? false
            }
        }
    }

    /// Deletes records dead (expired, revoked, redeemed) for longer than `age` seconds. Run it
    /// periodically; keep `age` above the code lifetime so code replays are still recognised.
    @discardableResult
    public func purge(deadFor age: TimeInterval = 24 * 3600) async throws(OAuthError) -> Int {
        let cutoff = clock.now - age
        return try await seam { try await store.purge(before: cutoff) }
    }
}
