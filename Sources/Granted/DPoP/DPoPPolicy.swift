import Foundation

/// What a deployment decides about DPoP proofs (RFC 9449), for the token endpoint and the
/// resource guard alike.
public struct DPoPPolicy: Sendable, Hashable {
    /// The `alg` values accepted (§4.3 step 5: "deemed secure"); nil: every asymmetric algorithm
    /// the host's `PublicKeyVerification` verifies. Listed as `dpop_signing_alg_values_supported`
    /// (§5.1) and in the resource's `algs` challenge (§7.1).
    public var algorithms: [JWSAlgorithm]?
    /// How old a proof's `iat` may be (§4.3 step 11, §11.1); its `jti` is kept that long.
    public var proofLifetime: TimeInterval = 60
    /// How far in the future an `iat` may be: the client's clock running ahead (§11.1).
    public var clockSkew: TimeInterval = 5
    /// Demand a server-provided `nonce` in every proof (§8, §9): an unknown or stale one is
    /// answered `use_dpop_nonce` with a fresh `DPoP-Nonce`.
    public var requiresNonce = false
    /// How long one nonce is accepted: nonces are derived from the server key and the time
    /// window (`DPoPNonce`), so the current window's and the previous window's both pass.
    public var nonceLifetime: TimeInterval = 300

    public init(
        algorithms: [JWSAlgorithm]? = nil, proofLifetime: TimeInterval = 60, clockSkew: TimeInterval = 5,
        requiresNonce: Bool = false, nonceLifetime: TimeInterval = 300
    ) {
        self.algorithms = algorithms
        self.proofLifetime = proofLifetime
        self.clockSkew = clockSkew
        self.requiresNonce = requiresNonce
        self.nonceLifetime = nonceLifetime
    }

    /// The algorithms accepted with `verification`: the allow-list cut to what it verifies, and
    /// never a MAC or `none` (§4.3 step 5).
    func acceptedAlgorithms(with verification: any PublicKeyVerification) -> [JWSAlgorithm] {
        let verified = verification.algorithms.filter { !$0.isSymmetric && !$0.isUnsecured }
        guard let algorithms else { return verified }
        return algorithms.filter(verified.contains)
    }
}
