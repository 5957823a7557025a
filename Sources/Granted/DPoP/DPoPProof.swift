import Foundation

/// A DPoP proof (RFC 9449 §4.2), parsed but not yet verified: the JWS, the public key its
/// `jwk` header carries, and the claims the checks of §4.3 read. Nothing here is trusted
/// before `DPoPVerifier` has checked the signature with that key.
struct DPoPProof: Sendable {
    /// `typ` of every proof (§4.2).
    static let type = "dpop+jwt"
    /// The longest proof read: an RSA-4096 `jwk` and signature fit well below it.
    static let maximumLength = 8 * 1024

    let jws: JWS.Parsed
    /// The `jwk` header: a public key, never one with private members (§4.2, §4.3 step 7).
    let key: JWK
    /// `htm`, `htu`, `iat`, `jti` (§4.2), and `ath`, `nonce` when present (§4.2, §8).
    let method: String
    let uri: String
    let issuedAt: Date
    let jwtID: String
    let accessTokenHash: String?
    let nonce: String?

    var algorithm: JWSAlgorithm { jws.header.algorithm }

    /// Parses `compact` and checks its shape (§4.3 steps 2-5, 7): one well-formed JWS; `typ`
    /// exactly `dpop+jwt`; an asymmetric `alg`, never `none` nor a MAC; a `jwk` header that is a
    /// public asymmetric key; string `htm`, `htu`, `jti` and a numeric `iat`.
    /// - Throws: `invalidDPoPProof` (§7.1: `invalid_dpop_proof`).
    init(_ compact: String) throws(OAuthError) {
        guard let (jws, header) = JWS.parseKeepingHeader(compact, maximumLength: Self.maximumLength),
            !jws.signature.isEmpty
        else { throw .invalidDPoPProof("the DPoP proof is not a well-formed JWS") }
        guard jws.header.type == Self.type else { throw .invalidDPoPProof("the DPoP proof's typ is not dpop+jwt") }
        let algorithm = jws.header.algorithm
        guard !algorithm.isUnsecured, !algorithm.isSymmetric else {
            throw .invalidDPoPProof("the DPoP proof's alg is not an asymmetric signature algorithm")
        }
        guard let key = Self.headerKey(header) else {
            throw .invalidDPoPProof("the DPoP proof's jwk is missing, private or malformed")
        }
        guard key.key.canCarry(algorithm) else {
            throw .invalidDPoPProof("the DPoP proof's jwk cannot carry its alg")
        }
        // The payload is parsed once: the typed claims and `htm`, `htu`, `ath` from one object.
        guard let payload = JSONReader.object(jws.payload), let claims = JWTClaims(object: payload, readingExtraClaims: false),
            let issuedAt = claims.issuedAt, let jwtID = claims.jwtID, !jwtID.isEmpty,
            let method = payload["htm"]?.string, let uri = payload["htu"]?.string
        else { throw .invalidDPoPProof("the DPoP proof lacks htm, htu, iat or jti") }
        let accessTokenHash = payload["ath"]?.string
        if payload["ath"] != nil, accessTokenHash == nil {
            throw .invalidDPoPProof("the DPoP proof's ath is not a string")
        }
        self.jws = jws
        self.key = key
        self.method = method
        self.uri = uri
        self.issuedAt = issuedAt
        self.jwtID = jwtID
        self.accessTokenHash = accessTokenHash
        self.nonce = claims.nonce
    }

    /// The `jwk` member of the protected header (RFC 7515 §4.1.3), from the header object the
    /// JWS parse read, through `JWK`'s own rules: an asymmetric public key (`kty` RSA, EC or
    /// OKP); nil for a symmetric key, a key with a private member (`d`, `p`, …) or anything malformed.
    private static func headerKey(_ header: JSONObject) -> JWK? {
        guard let member = header.object("jwk"), let key = try? JWK(object: member) else { return nil }
        if case .oct = key.key { return nil }
        return key
    }

    /// `ath` for `accessToken` (§4.2): base64url of the SHA-256 of its ASCII octets.
    static func accessTokenHash(of accessToken: String) -> String {
        Base64URL.encode(SHA256.hash(accessToken).bytes)
    }
}
