/// The client credentials grant (RFC 6749 §4.4): an app-only token for a confidential client.
enum ClientCredentialsGrant {
    /// An access token for the client itself (§4.4.2); never a refresh token (§4.4.3).
    /// - Throws: `unauthorizedClient` for a public client (§4.4), `invalidScope` (§3.3).
    static func plan(client: Client, scope requested: String?, policy: Policy) throws(OAuthError) -> TokenPlan {
        guard client.isConfidential else {
            throw .unauthorizedClient("only confidential clients may use client credentials")
        }
        let scopes = try ScopeRules.resolve(requested, client: client, policy: policy)
        return TokenPlan(
            client: client.id, subject: nil, scopes: scopes, authorization: nil, family: .none, idToken: nil)
    }
}
