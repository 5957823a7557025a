import Granted

/// Granted's `PublicKeyVerification` on swift-crypto: verifiers for keys that arrive at run time
/// (a client's `jwks`, a DPoP proof's `jwk`, an issuer's fetched JWK Set).
///
/// Each verifier is pinned to one algorithm. It refuses a JWK whose `alg` names another one, whose
/// `kty` or `crv` cannot carry the algorithm, whose `use` is not `sig` or whose `key_ops` lack
/// `verify` (RFC 7517 §4.2–4.4), any `oct` key or MAC algorithm (RFC 8725 §2.1, §3.1), and RSA
/// keys under 2048 bits (RFC 7518 §3.3).
public struct CryptoKeyVerification: PublicKeyVerification {
    public let algorithms: [JWSAlgorithm]

    /// - Parameter algorithms: the ones to answer for; by default RS256, PS256, ES256 and EdDSA.
    public init(algorithms: [JWSAlgorithm] = [.rs256, .ps256, .es256, .edDSA]) {
        self.algorithms = algorithms.filter { [.rs256, .ps256, .es256, .edDSA].contains($0) }
    }

    public func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)? {
        guard algorithms.contains(algorithm), !algorithm.isSymmetric else { return nil }
        if let declared = jwk.algorithm, declared != algorithm { return nil }
        if let use = jwk.use, use != .signature { return nil }
        if let operations = jwk.operations, !operations.contains(.verify) { return nil }
        guard let key = try? PublicSigningKey(jwk: jwk) else { return nil }
        return try? AsymmetricVerifier(key: key, algorithm: algorithm, keyID: jwk.keyID)
    }
}

extension PublicKeyVerification {
    /// The verifiers for every signing key of a JWK Set, each with the algorithm its `alg` names
    /// (keys without `alg` are skipped: an algorithm is never guessed from the token).
    public func verifiers(for set: JWKSet) -> [any SignatureVerifier] {
        set.keys.compactMap { jwk in jwk.algorithm.flatMap { verifier(for: jwk, algorithm: $0) } }
    }
}
