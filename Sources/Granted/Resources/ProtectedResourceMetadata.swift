/// A protected resource's metadata (RFC 9728 §2): what a client reads, after a 401 names it
/// (§5.1), to find the authorization server that issues tokens for the resource.
public struct ProtectedResourceMetadata: Sendable, Hashable {
    /// `resource` (§2), required: the identifier tokens must be issued for.
    public var resource: ResourceIdentifier
    /// `authorization_servers` (§2): issuer identifiers (RFC 8414) of the servers it trusts.
    public var authorizationServers: [String]
    /// `scopes_supported` (§2).
    public var scopesSupported: ScopeSet?
    /// `bearer_methods_supported` (§2): `header`, `body` (RFC 6750 §2.1, §2.2); never `query`.
    public var bearerMethodsSupported: [String]
    /// `jwks_uri` (§2): the resource's own keys, for signed responses; not the issuer's.
    public var jwksURI: String?
    /// `resource_name` (§2), for people.
    public var resourceName: String?
    /// `resource_documentation` (§2): a page for developers.
    public var resourceDocumentation: String?
    /// `dpop_signing_alg_values_supported` (§2; RFC 9449 §7.1): the proof algorithms accepted;
    /// nil when the resource takes no DPoP-bound tokens.
    public var dpopSigningAlgorithms: [JWSAlgorithm]?
    /// `dpop_bound_access_tokens_required` (§2): bearer tokens are refused (RFC 9449 §7.2).
    public var dpopBoundAccessTokensRequired = false

    public init(
        resource: ResourceIdentifier, authorizationServers: [String], scopesSupported: ScopeSet? = nil,
        bearerMethodsSupported: [String] = ["header"], jwksURI: String? = nil, resourceName: String? = nil,
        resourceDocumentation: String? = nil
    ) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.bearerMethodsSupported = bearerMethodsSupported
        self.jwksURI = jwksURI
        self.resourceName = resourceName
        self.resourceDocumentation = resourceDocumentation
    }

    /// The well-known suffix of §3 (registered in §8.1).
    public static let wellKnownSuffix = "/.well-known/oauth-protected-resource"

    /// Where the metadata lives (§3.1): the well-known suffix inserted between the host and the
    /// path (and query) of the identifier, a terminating slash after the host removed first:
    /// `https://tools.example/mcp` → `https://tools.example/.well-known/oauth-protected-resource/mcp`.
    public var url: String { Self.url(for: resource) }

    /// §3.1 for any identifier.
    public static func url(for resource: ResourceIdentifier) -> String {
        let value = resource.rawValue
        guard let schemeEnd = value.range(of: "://") else {
            // No authority: the suffix goes after the whole identifier (no host to insert after).
            return value + wellKnownSuffix
        }
        let afterScheme = value[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? value.endIndex
        let origin = value[..<authorityEnd]
        var rest = value[authorityEnd...]
        if rest == "/" { rest = "" }
        return origin + wellKnownSuffix + rest
    }

    /// The path of `url` on the resource's own host, for a host routing it.
    public var path: String {
        let full = url
        guard let schemeEnd = full.range(of: "://"),
            let slash = full[schemeEnd.upperBound...].firstIndex(of: "/")
        else { return Self.wellKnownSuffix }
        let pathAndQuery = full[slash...]
        return String(pathAndQuery.prefix { $0 != "?" })
    }

    /// The document as JSON (§3.2), members in a fixed order, absent ones left out.
    public var json: [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.field("resource", resource.rawValue)
        json.field("authorization_servers", authorizationServers)
        if let scopesSupported { json.field("scopes_supported", scopesSupported.map(\.rawValue)) }
        json.field("bearer_methods_supported", bearerMethodsSupported)
        json.field("jwks_uri", jwksURI)
        json.field("resource_name", resourceName)
        json.field("resource_documentation", resourceDocumentation)
        if let dpopSigningAlgorithms {
            json.field("dpop_signing_alg_values_supported", dpopSigningAlgorithms.map(\.rawValue))
        }
        if dpopBoundAccessTokensRequired { json.field("dpop_bound_access_tokens_required", true) }
        return json.finish()
    }

    /// The 200 answer to `GET url` (§3.2): `application/json`.
    public var response: OAuthResponse { OAuthResponse.json(json, status: 200) }
}
