/// The client credentials grant (RFC 6749 §4.4): an app-only token for a confidential client.
enum ClientCredentialsGrant {
    /// The scopes to grant (§4.4.2); never a refresh token (§4.4.3).
    /// - Throws: `unauthorizedClient` for a public client (§4.4), `invalidScope` (§3.3).
    static func scopes(for client: Client, requested: String?, policy: Policy) throws(OAuthError) -> ScopeSet {
        guard client.isConfidential else {
            throw .unauthorizedClient("only confidential clients may use client credentials")
        }
        return try ScopeRules.resolve(requested, client: client, policy: policy)
    }
}
