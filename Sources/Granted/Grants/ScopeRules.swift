/// Which scopes a request gets (RFC 6749 §3.3): the default when none is asked for, and never a
/// scope the server does not know or the client may not have.
enum ScopeRules {
    /// - Throws: `invalidScope` for a malformed, unknown or disallowed scope.
    static func resolve(_ requested: String?, client: Client, policy: Policy) throws(OAuthError) -> ScopeSet {
        guard let requested else { return try defaultScopes(for: client, policy: policy) }
        // The common case: no parsing, and a copy of the policy's set that is the request's
        // own (see `ScopeSet.unshared`). The store interns scope sets, so tokens still share one.
        if requested == policy.defaultScopes.description, client.allows(scopes: policy.defaultScopes) {
            return policy.defaultScopes.unshared()
        }
        let scopes = try ScopeSet.parse(requested)
        guard scopes.isSubset(of: policy.knownScopes) else {
            throw .invalidScope("the requested scope is unknown")
        }
        guard client.allows(scopes: scopes) else {
            throw .invalidScope("the client may not request this scope")
        }
        return scopes
    }

    /// §3.3: the pre-defined default, narrowed to what the client may have; when none of it is
    /// left, the request fails rather than escape the client's registration.
    /// - Throws: `invalidScope`.
    static func defaultScopes(for client: Client, policy: Policy) throws(OAuthError) -> ScopeSet {
        // The common case: the policy's set, in a copy of the request's own.
        guard let allowed = client.allowedScopes, !policy.defaultScopes.isSubset(of: allowed) else {
            return policy.defaultScopes.unshared()
        }
        let narrowed = policy.defaultScopes.intersection(allowed)
        guard !narrowed.isEmpty else {
            throw .invalidScope("the client may not have the default scope; the request must name one")
        }
        return narrowed
    }
}
