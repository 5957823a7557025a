/// Writing registered metadata back (RFC 7591 §3.2.1: "all registered metadata about the client").
extension ClientMetadata {
    /// Adds every registered member to `json`, defaults included, absent optionals left out.
    @_spi(Benchmarks) public func write(to json: inout JSONWriter) {
        json.field("redirect_uris", redirectURIs)
        json.field("token_endpoint_auth_method", tokenEndpointAuthMethod.rawValue)
        json.field("grant_types", grantTypes.map(\.rawValue))
        json.field("response_types", responseTypes.map(\.description))
        json.field("client_name", clientName)
        json.field("scope", scope?.description)
        json.field("client_uri", clientURI)
        json.field("logo_uri", logoURI)
        json.field("tos_uri", tosURI)
        json.field("policy_uri", policyURI)
        if let contacts { json.field("contacts", contacts) }
        json.field("software_id", softwareID)
        json.field("software_version", softwareVersion)
        switch publicKeys {
        case .jwks(let keys)?: json.field("jwks", rawJSON: keys.json)
        case .jwksURI(let uri)?: json.field("jwks_uri", uri)
        case nil: break
        }
        if let postLogoutRedirectURIs { json.field("post_logout_redirect_uris", postLogoutRedirectURIs) }
        json.field("backchannel_logout_uri", backchannelLogoutURI)
        if let requirePushedAuthorizationRequests {
            json.field("require_pushed_authorization_requests", requirePushedAuthorizationRequests)
        }
        if let backchannelLogoutSessionRequired {
            json.field("backchannel_logout_session_required", backchannelLogoutSessionRequired)
        }
        json.field("token_endpoint_auth_signing_alg", tokenEndpointAuthSigningAlgorithm?.rawValue)
        if let dpopBoundAccessTokens { json.field("dpop_bound_access_tokens", dpopBoundAccessTokens) }
    }

    /// The metadata alone as a JSON object: what a store keeps, read back with `init(json:policy:)`.
    public var json: [UInt8] {
        var writer = JSONWriter(capacity: 512)
        write(to: &writer)
        return writer.finish()
    }
}

extension ClientMetadata {
    /// Reads back what `json` wrote, for stores: the same checks, but under the policy that
    /// admitted it (its scopes and redirect URIs stay as registered even if the policy changed).
    /// - Throws: `invalidRequest`, `invalidRedirectURI` or `invalidClientMetadata` for a corrupt document.
    public init(registered bytes: [UInt8]) throws(OAuthError) {
        let members = try Self.members(of: bytes)
        var policy = Policy()
        policy.allowsInsecureRedirectURIs = true
        policy.inputLimits = InputLimits(maxBytes: .max, maxParameters: .max)
        if let scope = try members.string("scope"), let parsed = try? ScopeSet.parse(scope) { policy.knownScopes = parsed }
        try self.init(members: members, policy: policy)
    }
}
