import Foundation

/// An issued access token (RFC 6749 §1.4), stored under the SHA-256 of its value.
/// `subject` is nil for an app-only token (client credentials, §4.4).
public struct AccessToken: Sendable, Hashable {
    public let client: ClientID
    public let subject: Subject?
    public let scopes: ScopeSet
    /// The resources it may be used at (RFC 8707 §2; RFC 9068 `aud`); a guard that names its
    /// resource refuses a token without it. Empty without a registry.
    public let audience: Audience
    public let issuedAt: Date
    /// Nil when the policy lets access tokens live forever.
    public let expiresAt: Date?
    /// The family (code redemption or implicit approval) it was issued from, if any.
    public let family: FamilyID?
    /// The user authorization it hangs from, if any: revoking that ends this token.
    public let authorization: AuthorizationID?
    /// The JWK SHA-256 thumbprint of the key it is bound to (RFC 9449 §6: `cnf.jkt`): only a
    /// request with a DPoP proof of that key may use it. Nil for a bearer token.
    public let keyThumbprint: String?
    public private(set) var state: RevocationState

    public init(
        client: ClientID, subject: Subject?, scopes: ScopeSet, issuedAt: Date, expiresAt: Date?,
        family: FamilyID? = nil, authorization: AuthorizationID? = nil, audience: Audience = [],
        keyThumbprint: String? = nil, state: RevocationState = .active
    ) {
        self.client = client
        self.subject = subject
        self.scopes = scopes
        self.audience = audience
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.family = family
        self.authorization = authorization
        self.keyThumbprint = keyThumbprint
        self.state = state
    }

    /// Active and not yet expired: a token stops working at `expiresAt` exactly.
    public func isActive(at now: Date) -> Bool {
        guard case .active = state else { return false }
        return expiresAt.map { now < $0 } ?? true
    }

    /// Moves `active` to `revoked`; reports whether it changed anything.
    @discardableResult
    public mutating func revoke(at now: Date) -> Bool {
        guard case .active = state else { return false }
        state = .revoked(at: now)
        return true
    }

    /// After this the record can never be active again, so housekeeping may delete it.
    public var deadSince: Date? {
        switch state {
        case .revoked(let at): at
        case .active: expiresAt
        }
    }
}

/// An access token with the records it hangs from, read together so that verification is one
/// store call (a join, for a database).
public struct AccessTokenRecord: Sendable, Hashable {
    public var token: AccessToken
    /// The family and the user authorization, boxed. Most tokens (a client's own) have neither,
    /// and a record is copied several times between the store and the guard: held inline, the
    /// two made every record 521 bytes, and copying them was 7% of verifying a bearer token.
    private var parents: Parents?

    private final class Parents: Sendable {
        let family: RefreshFamily?
        let authorization: UserAuthorization?
        init(family: RefreshFamily?, authorization: UserAuthorization?) {
            self.family = family
            self.authorization = authorization
        }
    }

    public var family: RefreshFamily? {
        get { parents?.family }
        set { parents = Self.box(family: newValue, authorization: authorization) }
    }
    public var authorization: UserAuthorization? {
        get { parents?.authorization }
        set { parents = Self.box(family: family, authorization: newValue) }
    }

    public init(token: AccessToken, family: RefreshFamily?, authorization: UserAuthorization?) {
        self.token = token
        self.parents = Self.box(family: family, authorization: authorization)
    }

    private static func box(family: RefreshFamily?, authorization: UserAuthorization?) -> Parents? {
        family == nil && authorization == nil ? nil : Parents(family: family, authorization: authorization)
    }

    /// The token works only while it, its family and its user authorization are all live.
    /// A parent the store no longer has (purged) counts as revoked.
    public func isActive(at now: Date) -> Bool {
        guard token.isActive(at: now) else { return false }
        if token.family != nil {
            guard let family = parents?.family, family.state.isActive else { return false }
        }
        if token.authorization != nil {
            guard let authorization = parents?.authorization, authorization.isActive else { return false }
        }
        return true
    }

    public static func == (lhs: AccessTokenRecord, rhs: AccessTokenRecord) -> Bool {
        lhs.token == rhs.token && lhs.family == rhs.family && lhs.authorization == rhs.authorization
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(token)
        hasher.combine(family)
        hasher.combine(authorization)
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension AccessToken: Codable {}

// Written out as the synthesized conformance was, so records a host stored read back the same.
extension AccessTokenRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case token, family, authorization
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            token: try container.decode(AccessToken.self, forKey: .token),
            family: try container.decodeIfPresent(RefreshFamily.self, forKey: .family),
            authorization: try container.decodeIfPresent(UserAuthorization.self, forKey: .authorization))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encodeIfPresent(family, forKey: .family)
        try container.encodeIfPresent(authorization, forKey: .authorization)
    }
}
