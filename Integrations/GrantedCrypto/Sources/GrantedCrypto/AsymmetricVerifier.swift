import Granted

/// Checks JWS Signatures (RFC 7515 §5.2 step 8) with one public key, pinned to one algorithm:
/// a token whose header names another `alg` is never checked with this key (RFC 8725 §3.1).
public struct AsymmetricVerifier: SignatureVerifier {
    public let algorithm: JWSAlgorithm
    public let keyID: String?
    public let key: PublicSigningKey

    /// - Throws: `KeyError.algorithmNotSupported` when the key cannot carry `algorithm`.
    public init(key: PublicSigningKey, algorithm: JWSAlgorithm, keyID: String?) throws(KeyError) {
        guard Self.key(key, carries: algorithm) else {
            throw .algorithmNotSupported(algorithm, keyType: key.jwkKey.keyType)
        }
        self.init(key: key, algorithm: algorithm, keyID: keyID, checked: ())
    }

    init(key: PublicSigningKey, algorithm: JWSAlgorithm, keyID: String?, checked: Void) {
        self.key = key
        self.algorithm = algorithm
        self.keyID = keyID
    }

    public func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        key.isValid(signature, for: signingInput, algorithm: algorithm)
    }

    static func key(_ key: PublicSigningKey, carries algorithm: JWSAlgorithm) -> Bool {
        switch key {
        case .rsa: algorithm == .rs256 || algorithm == .ps256
        case .p256: algorithm == .es256
        case .ed25519: algorithm == .edDSA
        }
    }
}

extension AsymmetricVerifier: CustomStringConvertible {
    public var description: String { "AsymmetricVerifier(\(algorithm.rawValue), keyID: \(keyID.map { "\"\($0)\"" } ?? "nil"))" }
}
