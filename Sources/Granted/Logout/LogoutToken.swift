import Foundation

/// A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): the JWT a server POSTs to a
/// client's `backchannel_logout_uri` when a session the client signed in to ends. Granted issues
/// them (`AuthorizationServer.signOut`) and checks them (`validate`), for a Swift relying party.
public struct LogoutToken: Sendable, Hashable {
    /// The `events` member that makes a JWT a logout token (§2.4).
    public static let event = "http://schemas.openid.net/event/backchannel-logout"
    /// The `typ` header of an explicitly typed logout token (§2.4), without `application/`.
    public static let mediaType = "logout+jwt"

    public let issuer: String
    public let audience: [String]
    public let issuedAt: Date
    public let expiresAt: Date
    /// `jti`: a relying party may refuse one it saw recently (§2.6 step 7).
    public let jwtID: String
    /// `sub` and `sid`: at least one is present (§2.4).
    public let subject: Subject?
    public let sessionID: SessionID?

    public init(
        issuer: String, audience: [String], issuedAt: Date, expiresAt: Date, jwtID: String, subject: Subject?,
        sessionID: SessionID?
    ) {
        self.issuer = issuer
        self.audience = audience
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.jwtID = jwtID
        self.subject = subject
        self.sessionID = sessionID
    }

    /// The claims set (§2.4): `iss`, `aud`, `iat`, `exp`, `jti`, `sub`, `sid`, `events`; never `nonce`.
    public var claims: JWTClaims {
        var extras: [JWTClaims.ExtraClaim] = []
        if let sessionID { extras.append(JWTClaims.ExtraClaim(name: "sid", string: sessionID.rawValue)) }
        var events: [UInt8] = [UInt8(ascii: "{")]
        JSONWriter.appendString(Self.event, to: &events)
        events += Array(":{}}".utf8)
        if let claim = JWTClaims.ExtraClaim(name: "events", json: events) { extras.append(claim) }
        return JWTClaims(
            issuer: issuer, subject: subject?.rawValue, audience: audience, expiresAt: expiresAt, issuedAt: issuedAt,
            jwtID: jwtID, extraClaims: extras)
    }

    /// Signs the token with header `typ: logout+jwt` (§2.4).
    /// - Throws: `JWTClaims.SerializationError`, `JWS.SigningError`, or what the signer throws.
    public func signed(with signer: any Signer) throws -> String {
        try JWS.sign(claims.serialized(), type: Self.mediaType, signer: signer)
    }
}
