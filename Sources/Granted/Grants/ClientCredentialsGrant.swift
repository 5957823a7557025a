/// The client credentials grant (RFC 6749 §4.4): an app-only token for a confidential client.
enum ClientCredentialsGrant {
    /// An access token for the client itself (§4.4.2); never a refresh token (§4.4.3).
    /// - Throws: `unauthorizedClient` for a public client (§4.4), `invalidScope` (§3.3).
    /// - Parameter resources: the request's `resource` parameters (RFC 8707 §2), checked; nil
    ///   gives the policy's default audience.
    static func plan(
        client: Client, scope requested: String?, resources: Audience? = nil, policy: Policy
    ) throws(OAuthError) -> TokenPlan {
        guard client.isConfidential else {
            throw .unauthorizedClient("only confidential clients may use client credentials")
        }
        let audience = ResourceRules.audience(requested: resources, policy: policy)
        let scopes = try ResourceRules.scopes(
            try ScopeRules.resolve(requested, client: client, policy: policy), for: audience, policy: policy)
        return TokenPlan(
            client: client.id, subject: nil, scopes: scopes, audience: audience, authorization: nil, authTime: nil,
            family: .none, idToken: nil)
    }
}
