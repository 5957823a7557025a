import Foundation

/// A JWT Claims Set (RFC 7519 §4) with the claims of an ID token (OpenID Connect Core §2, §3.1.3.6,
/// §3.3.2.11) typed, and any other claim as one JSON value. Written with `JSONWriter` on the
/// signing path; read back by `JWT.verify`.
public struct JWTClaims: Sendable, Hashable {
    /// `iss` (RFC 7519 §4.1.1).
    public var issuer: String?
    /// `sub` (§4.1.2).
    public var subject: String?
    /// `aud` (§4.1.3): written as a string when there is one, as an array otherwise.
    public var audience: [String]
    /// `exp` (§4.1.4), a NumericDate written in whole seconds.
    public var expiresAt: Date?
    /// `nbf` (§4.1.5).
    public var notBefore: Date?
    /// `iat` (§4.1.6).
    public var issuedAt: Date?
    /// `jti` (§4.1.7).
    public var jwtID: String?
    /// `auth_time` (OpenID Connect Core §2): when the user signed in.
    public var authTime: Date?
    /// `nonce` (Core §2), echoed from the authentication request.
    public var nonce: String?
    /// `azp` (Core §2): the client the ID token was issued to.
    public var authorizedParty: String?
    /// `at_hash` (Core §3.1.3.6, §3.3.2.11): `JWT.halfHash` of the access token.
    public var accessTokenHash: String?
    /// `c_hash` (Core §3.3.2.11): `JWT.halfHash` of the authorization code.
    public var codeHash: String?
    /// Every other claim, written in this order after the ones above; names must be unique (§4).
    public var extraClaims: [ExtraClaim]

    public init(
        issuer: String? = nil, subject: String? = nil, audience: [String] = [], expiresAt: Date? = nil,
        notBefore: Date? = nil, issuedAt: Date? = nil, jwtID: String? = nil, authTime: Date? = nil,
        nonce: String? = nil, authorizedParty: String? = nil, accessTokenHash: String? = nil,
        codeHash: String? = nil, extraClaims: [ExtraClaim] = []
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.jwtID = jwtID
        self.authTime = authTime
        self.nonce = nonce
        self.authorizedParty = authorizedParty
        self.accessTokenHash = accessTokenHash
        self.codeHash = codeHash
        self.extraClaims = extraClaims
    }

    /// The names of the typed claims above; an extra claim may not take one.
    public static let typedClaimNames: Set<String> = [
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time", "nonce", "azp", "at_hash", "c_hash",
    ]

    /// Why a claims set could not be written.
    public enum SerializationError: Error, Sendable, Hashable {
        /// Claim names must be unique (RFC 7519 §4): an extra claim repeats one.
        case duplicateClaim(String)
        /// A date beyond what a NumericDate in whole seconds can carry.
        case dateOutOfRange(String)
    }

    /// The claims as compact JSON bytes, the JWS Payload of a JWT (RFC 7519 §7.1 steps 1-2).
    /// - Throws: `SerializationError`.
    public func serialized() throws(SerializationError) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + extraClaims.reduce(0) { $0 + $1.name.utf8.count + $1.json.count + 4 })
        json.field("iss", issuer)
        json.field("sub", subject)
        if audience.count == 1 {
            json.field("aud", audience[0])
        } else if audience.count > 1 {
            json.field("aud", audience)
        }
        json.field("exp", try Self.numericDate(expiresAt, "exp"))
        json.field("iat", try Self.numericDate(issuedAt, "iat"))
        json.field("nbf", try Self.numericDate(notBefore, "nbf"))
        json.field("auth_time", try Self.numericDate(authTime, "auth_time"))
        json.field("nonce", nonce)
        json.field("azp", authorizedParty)
        json.field("at_hash", accessTokenHash)
        json.field("c_hash", codeHash)
        json.field("jti", jwtID)
        var names = Set<String>()
        for claim in extraClaims {
            guard !Self.typedClaimNames.contains(claim.name), names.insert(claim.name).inserted else {
                throw .duplicateClaim(claim.name)
            }
            json.field(named: claim.name, rawJSON: claim.json)
        }
        return json.finish()
    }

    /// Seconds since the epoch, rounded down (RFC 7519 §2 NumericDate); nil stays nil.
    private static func numericDate(_ date: Date?, _ name: String) throws(SerializationError) -> Int? {
        guard let date else { return nil }
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Within ±2^53, where every whole second is exact in a Double and fits in an Int.
        guard seconds.isFinite, abs(seconds) <= 9_007_199_254_740_992 else { throw .dateOutOfRange(name) }
        return Int(seconds)
    }
}
