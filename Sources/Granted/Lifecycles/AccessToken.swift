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
    public var family: RefreshFamily?
    public var authorization: UserAuthorization?
    public init(token: AccessToken, family: RefreshFamily?, authorization: UserAuthorization?) {
        self.token = token
        self.family = family
        self.authorization = authorization
    }

    /// The token works only while it, its family and its user authorization are all live.
    /// A parent the store no longer has (purged) counts as revoked.
    public func isActive(at now: Date) -> Bool {
        guard token.isActive(at: now) else { return false }
        if token.family != nil {
            guard let family, family.state.isActive else { return false }
        }
        if token.authorization != nil {
            guard let authorization, authorization.isActive else { return false }
        }
        return true
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension AccessToken: Codable {}
extension AccessTokenRecord: Codable {}
