import Foundation

/// JSON Web Tokens (RFC 7519) as JWS compact serializations: ID tokens (OpenID Connect Core §2).
public enum JWT {
    /// Why `verify` refused a token. Nothing in a refused token may be trusted, so no claims come back.
    public enum Rejection: Error, Sendable, Hashable {
        /// Not a well-formed JWS, another `alg` than expected, no matching key, or a bad signature.
        case unverified
        /// The payload is not a JSON object, or a registered claim has the wrong type.
        case malformedClaims
        /// No `exp`: Granted issues only expiring tokens (OpenID Connect Core §2 requires `exp`).
        case missingExpiration
        /// `exp` is not after now, beyond the leeway (RFC 7519 §4.1.4).
        case expired
        /// `nbf` is after now, beyond the leeway (§4.1.5).
        case notYetValid
        /// `iat` is after now, beyond the leeway: a token from the future (§4.1.6).
        case issuedInTheFuture
    }

    /// Signs `claims` as a JWT with header `typ: JWT` (RFC 7519 §7.1).
    /// - Throws: `JWTClaims.SerializationError`, `JWS.SigningError`, or what the signer throws.
    public static func sign(_ claims: JWTClaims, signer: any Signer) throws -> String {
        try JWS.sign(claims.serialized(), type: "JWT", signer: signer)
    }

    /// Validates a JWT (RFC 7519 §7.2) signed with `algorithm`: the JWS checks of `JWS.verify`,
    /// then `exp` (required) after `now - leeway`, `nbf` and `iat` not after `now + leeway`.
    /// Answers the claims; checking `iss`, `aud`, `nonce` is the caller's (Core §3.1.3.7).
    /// - Throws: `Rejection`.
    public static func verify(
        _ token: String, expecting algorithm: JWSAlgorithm, verifiers: [any SignatureVerifier],
        now: Date, leeway: TimeInterval
    ) throws(Rejection) -> JWTClaims {
        guard let payload = JWS.verify(token, expecting: algorithm, verifiers: verifiers) else {
            throw .unverified
        }
        guard let claims = JWTClaims(json: payload) else { throw .malformedClaims }
        let leeway = leeway.isFinite ? max(0, leeway) : 0
        let now = now.timeIntervalSince1970
        guard let expiresAt = claims.expiresAt else { throw .missingExpiration }
        guard expiresAt.timeIntervalSince1970 > now - leeway else { throw .expired }
        if let notBefore = claims.notBefore, notBefore.timeIntervalSince1970 > now + leeway {
            throw .notYetValid
        }
        if let issuedAt = claims.issuedAt, issuedAt.timeIntervalSince1970 > now + leeway {
            throw .issuedInTheFuture
        }
        return claims
    }

    /// `at_hash` / `c_hash` (OpenID Connect Core §3.1.3.6, §3.3.2.11): base64url of the left 128 bits
    /// of SHA-256 over the ASCII value. Right for the SHA-256 algorithms (HS256, RS256, ES256, PS256)
    /// only: another `alg` takes the hash it names.
    public static func halfHash(_ value: String) -> String {
        SHA256.hash(value).withUnsafeBytes { digest in
            Base64URL.encode(UnsafeRawBufferPointer(rebasing: digest[0..<16]))
        }
    }
}
