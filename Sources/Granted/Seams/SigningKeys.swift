/// Key rotation (RFC 7517 §5; OpenID Connect Core §10.1.1): one key signs, and the JWK Set also
/// publishes the keys that signed tokens still in circulation, or that will sign next.
public struct SigningKeys: Sendable {
    /// Why a key cannot be published; thrown at start-up, so a JWK Set is never silently short.
    public enum ConfigurationError: Error, Sendable, Hashable {
        /// An asymmetric signer with no `publicJWK`: relying parties could not verify its tokens.
        case missingPublicJWK(keyID: String?)
        /// A symmetric signer that publishes a JWK, or any `oct` JWK: a secret (RFC 7517 §9.2).
        case symmetricKeyPublished(keyID: String?)
        /// Two different keys under one `kid` (RFC 7517 §4.5): a verifier could pick the wrong one.
        case duplicateKeyID(String)
        /// The JWK's `kid` is not the one the signer writes in its headers (RFC 7515 §4.1.4).
        case keyIDMismatch(signer: String?, jwk: String?)
        /// The JWK's `alg` is not the signer's (RFC 7517 §4.4).
        case algorithmMismatch(keyID: String?, signer: JWSAlgorithm, jwk: JWSAlgorithm)
        /// The JWK's key type or curve cannot carry the signer's algorithm (RFC 7518 §3.1; RFC 8037 §3.1).
        case keyTypeMismatch(keyID: String?, algorithm: JWSAlgorithm)
    }

    /// Signs every new token.
    public let active: any Signer
    /// Published beside the active key but not used to sign.
    public let published: [any Signer]
    /// The public keys of `active` then `published`, once each (RFC 7517 §5).
    public let jwkSet: JWKSet
    /// `jwkSet` serialized, computed once.
    public let jwks: [UInt8]

    /// Publishes the public JWKs of `active` then `published`; a key listed twice is published
    /// once. Symmetric signers without a JWK sign (or are kept) but are never published.
    /// - Throws: `ConfigurationError` for the first key that cannot be published as it is.
    public init(active: any Signer, published: [any Signer] = []) throws(ConfigurationError) {
        self.active = active
        self.published = published
        var keys: [JWK] = []
        for signer in [active] + published {
            guard let jwk = try Self.publishable(signer) else { continue }
            if let keyID = jwk.keyID, let listed = keys.first(where: { $0.keyID == keyID }) {
                guard listed == jwk else { throw .duplicateKeyID(keyID) }
                continue
            }
            if !keys.contains(jwk) { keys.append(jwk) }
        }
        jwkSet = JWKSet(keys: keys)
        jwks = jwkSet.json
    }

    /// The verifiers the signers declare, active first (RFC 7515 §5.2).
    public var verifiers: [any SignatureVerifier] {
        ([active] + published).compactMap(\.verifier)
    }

    /// The JWK `signer` publishes, checked against the signer; nil for a symmetric key kept private.
    private static func publishable(_ signer: any Signer) throws(ConfigurationError) -> JWK? {
        let algorithm = signer.algorithm
        guard let jwk = signer.publicJWK else {
            guard algorithm.isSymmetric else { throw .missingPublicJWK(keyID: signer.keyID) }
            return nil
        }
        if case .oct = jwk.key { throw .symmetricKeyPublished(keyID: signer.keyID) }
        guard !algorithm.isSymmetric else { throw .symmetricKeyPublished(keyID: signer.keyID) }
        guard jwk.keyID == signer.keyID else { throw .keyIDMismatch(signer: signer.keyID, jwk: jwk.keyID) }
        if let declared = jwk.algorithm, declared != algorithm {
            throw .algorithmMismatch(keyID: signer.keyID, signer: algorithm, jwk: declared)
        }
        guard jwk.key.canCarry(algorithm) else { throw .keyTypeMismatch(keyID: signer.keyID, algorithm: algorithm) }
        return jwk
    }
}
