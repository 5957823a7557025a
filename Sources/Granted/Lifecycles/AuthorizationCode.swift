import Foundation

/// A one-time authorization code (RFC 6749 §4.1.2): single use, short-lived (30 s by policy),
/// bound to everything the token request must match. Stored under its SHA-256.
public struct AuthorizationCode: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case issued(expiresAt: Date)
        case redeemed(at: Date)
        case revoked(at: Date)
    }
    public enum Redemption: Sendable, Hashable {
        case granted
        case expired
        case revoked
        /// §4.1.2: deny, and revoke what the first use issued (the code's `family`).
        case replayed
    }

    public let client: ClientID
    /// The `redirect_uri` of the authorization request, nil when it was omitted (§4.1.3).
    public let redirectURI: String?
    public let scopes: ScopeSet
    /// The resources the authorization request named, or the policy's defaults (RFC 8707 §2.1):
    /// the token request may narrow them, never widen. Empty without a registry.
    public let resources: Audience
    public let subject: Subject
    public let authTime: Date
    public let nonce: String?
    public let challenge: PKCEChallenge?
    public let authorization: AuthorizationID
    /// Chosen when the code is issued, so a replay can revoke what the redemption issued
    /// without a second lookup.
    public let family: FamilyID
    public let issuedAt: Date
    /// The session the user approved in (Back-Channel Logout 1.0 §2.1): the ID tokens and the
    /// family the code leads to carry it. Nil when the host named none.
    public let sessionID: SessionID?
    /// `dpop_jkt` of the authorization request (RFC 9449 §10): the token request must carry a
    /// DPoP proof of the key with this thumbprint. Nil: not bound.
    public let keyThumbprint: String?
    public private(set) var state: State

    public init(
        client: ClientID, redirectURI: String?, scopes: ScopeSet, subject: Subject, authTime: Date,
        nonce: String?, challenge: PKCEChallenge?, authorization: AuthorizationID, family: FamilyID,
        issuedAt: Date, lifetime: TimeInterval, resources: Audience = [], sessionID: SessionID? = nil,
        keyThumbprint: String? = nil
    ) {
        self.init(
            client: client, redirectURI: redirectURI, scopes: scopes, subject: subject, authTime: authTime,
            nonce: nonce, challenge: challenge, authorization: authorization, family: family, issuedAt: issuedAt,
            state: .issued(expiresAt: issuedAt + lifetime), resources: resources, sessionID: sessionID,
            keyThumbprint: keyThumbprint)
    }

    /// A code as a store kept it, in whatever state it reached.
    public init(
        client: ClientID, redirectURI: String?, scopes: ScopeSet, subject: Subject, authTime: Date,
        nonce: String?, challenge: PKCEChallenge?, authorization: AuthorizationID, family: FamilyID,
        issuedAt: Date, state: State, resources: Audience = [], sessionID: SessionID? = nil,
        keyThumbprint: String? = nil
    ) {
        self.client = client
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.resources = resources
        self.subject = subject
        self.authTime = authTime
        self.nonce = nonce
        self.challenge = challenge
        self.authorization = authorization
        self.family = family
        self.issuedAt = issuedAt
        self.sessionID = sessionID
        self.keyThumbprint = keyThumbprint
        self.state = state
    }

    /// Moves `issued` to `redeemed`; reports any other state and leaves it unchanged.
    /// "Already redeemed" is checked before "expired": a replay after expiry is still a replay.
    public mutating func redeem(at now: Date) -> Redemption {
        switch state {
        case .redeemed: return .replayed
        case .revoked: return .revoked
        case .issued(let expiresAt) where now < expiresAt:
            state = .redeemed(at: now)
            return .granted
        case .issued: return .expired
        }
    }

    /// Moves `issued` to `revoked` (its user authorization was revoked).
    public mutating func revoke(at now: Date) {
        if case .issued = state { state = .revoked(at: now) }
    }

    /// When the record stops mattering: redeemed codes are kept for replay detection until
    /// housekeeping's cutoff passes this date.
    public var deadSince: Date {
        switch state {
        case .issued(let expiresAt): expiresAt
        case .redeemed(let at), .revoked(let at): at
        }
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension AuthorizationCode.State: Codable {}
extension AuthorizationCode.Redemption: Codable {}
extension AuthorizationCode: Codable {}
