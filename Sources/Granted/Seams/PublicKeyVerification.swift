/// Builds a verifier for a public key that arrives at run time: a client's registered `jwks`
/// (RFC 7523 §2.2; RFC 7591 §2), a DPoP proof's `jwk` header (RFC 9449 §4.2), an issuer's JWK
/// Set fetched by a resource server (RFC 9068 §4). Granted implements no public-key algorithm
/// itself (Foundation only), so the host supplies this from its crypto library;
/// `Integrations/GrantedCrypto` ships one on swift-crypto.
public protocol PublicKeyVerification: Sendable {
    /// A verifier for signatures by `jwk` with `algorithm`, pinned to both; nil when the key
    /// cannot carry the algorithm (its `kty`, `crv`, size or `alg` disagree) or the algorithm is
    /// not one this host verifies. Never answers for a symmetric algorithm or an `oct` key: a
    /// public key is not a MAC secret (RFC 8725 §2.1, §3.1).
    func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)?

    /// The asymmetric algorithms `verifier(for:algorithm:)` answers for, for metadata such as
    /// `token_endpoint_auth_signing_alg_values_supported` and `dpop_signing_alg_values_supported`.
    var algorithms: [JWSAlgorithm] { get }
}
