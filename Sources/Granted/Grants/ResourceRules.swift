/// Which resources a token is for (RFC 8707 §2): the `resource` parameters of an authorization
/// or token request, checked against the registry and, at the token endpoint, against what the
/// grant being used was issued for.
enum ResourceRules {
    /// The OpenID Connect scopes are the issuer's own (userinfo, the ID token): no resource
    /// registration narrows them away.
    static let issuerScopes: ScopeSet = [.openid, .profile, .email, .address, .phone]

    /// Every `resource` parameter of a request (§2: it may be repeated), each checked.
    /// - Returns: nil when the request names none.
    /// - Throws: `invalidTarget` for a value that is not an absolute URI, has a fragment, or is
    ///   not a resource this server knows (§2).
    static func requested(_ parameters: FormParameters, policy: Policy) throws(OAuthError) -> Audience? {
        var audience: Audience = []
        for pair in parameters.pairs where FormParameters.sameName(pair.name, "resource") {
            guard let identifier = ResourceIdentifier(rawValue: pair.value) else {
                throw .invalidTarget("resource must be an absolute URI without a fragment")
            }
            guard policy.resources[identifier] != nil else {
                throw .invalidTarget("the resource is not one this server issues tokens for")
            }
            audience.insert(identifier)
        }
        return audience.isEmpty ? nil : audience
    }

    /// The audience of a new grant (an authorization request, client credentials): what was asked,
    /// or the policy's defaults (§2: the server's choice when none is named).
    static func audience(requested: Audience?, policy: Policy) -> Audience {
        requested ?? policy.resources.defaults
    }

    /// The audience of a token from a grant issued for `granted` (a code, a refresh family): a
    /// subset of it when the request names resources, all of it when it names none.
    /// - Throws: `invalidTarget` for a resource the grant was not issued for (§2.2: never wider).
    static func narrow(_ granted: Audience, to requested: Audience?) throws(OAuthError) -> Audience {
        guard let requested else { return granted }
        guard requested.isSubset(of: granted) else {
            throw .invalidTarget("the resource was not part of the original grant")
        }
        return requested
    }

    /// The scopes a token for `audience` carries: those at least one of its resources accepts,
    /// and the issuer's OpenID Connect scopes. With no audience (no registry) nothing narrows.
    /// - Throws: `invalidScope` when nothing asked for is left.
    static func scopes(_ scopes: ScopeSet, for audience: Audience, policy: Policy) throws(OAuthError) -> ScopeSet {
        guard !audience.isEmpty else { return scopes }
        let resources = audience.compactMap { policy.resources[$0] }
        if resources.contains(where: { $0.scopes == nil }) { return scopes }
        let narrowed = ScopeSet(scopes.filter { scope in
            issuerScopes.contains(scope) || resources.contains { $0.accepts(scope) }
        })
        guard !narrowed.isEmpty else {
            throw .invalidScope("no requested scope is accepted by the requested resources")
        }
        return narrowed
    }
}
