/// A protected resource the server issues access tokens for (RFC 8707): where tokens may be
/// used, which scopes mean something there, and the token format its resource server checks.
public struct ProtectedResource: Sendable, Hashable {
    /// How the resource server checks a token.
    public enum TokenFormat: Sendable, Hashable {
        /// An opaque handle the resource server looks up (the shared store, or introspection).
        case opaque
        /// A JWT access token (RFC 9068) it verifies offline against the server's JWKS. It is
        /// recorded by digest too, so introspection and revocation see it.
        case jwt
    }

    public let identifier: ResourceIdentifier
    /// The scopes a token for this resource may carry; nil: every scope the server knows.
    public var scopes: ScopeSet?
    public var tokenFormat: TokenFormat

    public init(_ identifier: ResourceIdentifier, scopes: ScopeSet? = nil, tokenFormat: TokenFormat = .opaque) {
        self.identifier = identifier
        self.scopes = scopes
        self.tokenFormat = tokenFormat
    }

    /// Whether a token for this resource may carry `scope`.
    func accepts(_ scope: Scope) -> Bool { scopes?.contains(scope) ?? true }
}

/// The protected resources of a deployment (RFC 8707), in `Policy.resources`. Empty (the
/// default): resource indicators are off, every `resource` parameter is `invalid_target` and
/// tokens carry no audience.
public struct ResourceRegistry: Sendable, Hashable {
    public private(set) var resources: [ResourceIdentifier: ProtectedResource]
    /// The audience of a token asked for with no `resource` (RFC 8707 §2: the server's default).
    public private(set) var defaults: Audience

    public init() {
        resources = [:]
        defaults = []
    }

    /// - Parameter defaults: the identifiers a request without `resource` gets; each must be
    ///   registered, else the registration traps at start-up (a configuration error).
    public init(_ resources: [ProtectedResource], defaults: Audience) {
        var table: [ResourceIdentifier: ProtectedResource] = [:]
        for resource in resources { table[resource.identifier] = resource }
        precondition(defaults.allSatisfy { table[$0] != nil }, "a default resource is not registered")
        self.resources = table
        self.defaults = defaults
    }

    /// Adds or replaces a resource; `isDefault` also makes it part of the default audience.
    public mutating func register(_ resource: ProtectedResource, isDefault: Bool = false) {
        resources[resource.identifier] = resource
        if isDefault { defaults.insert(resource.identifier) }
    }

    public subscript(_ identifier: ResourceIdentifier) -> ProtectedResource? { resources[identifier] }

    public var isEmpty: Bool { resources.isEmpty }

    /// Whether an access token for `audience` is a JWT (RFC 9068): when any resource in it wants
    /// one. The token is recorded by digest all the same, so the others can look it up.
    func wantsJWT(_ audience: Audience) -> Bool {
        audience.contains { resources[$0]?.tokenFormat == .jwt }
    }
}
