import Foundation
import Granted

/// Signs JWTs with a private key through Granted's `Signer` seam: RS256, PS256, ES256 or EdDSA.
/// The `kid` defaults to the RFC 7638 thumbprint, so it changes exactly when the key does.
public struct AsymmetricSigner: Signer {
    public let algorithm: JWSAlgorithm
    public let keyID: String?
    /// The public key (RFC 7517 §4) with `use` `sig`, `alg` and `kid`, for the JWK Set.
    public let publicJWK: JWK?
    private let key: PrivateSigningKey
    private let publicKey: PublicSigningKey

    /// - Parameters:
    ///   - algorithm: what the key signs with; nil for its default (RS256, ES256 or EdDSA).
    ///   - keyID: the `kid`; nil for the RFC 7638 thumbprint of the public key.
    /// - Throws: `KeyError.algorithmNotSupported` when the key cannot carry `algorithm`.
    public init(key: PrivateSigningKey, algorithm: JWSAlgorithm? = nil, keyID: String? = nil) throws(KeyError) {
        let algorithm = algorithm ?? key.defaultAlgorithm
        guard key.canSign(algorithm) else {
            throw .algorithmNotSupported(algorithm, keyType: key.publicKey.jwkKey.keyType)
        }
        self.key = key
        self.publicKey = key.publicKey
        self.algorithm = algorithm
        let jwkKey = publicKey.jwkKey
        let keyID = keyID ?? JWK(jwkKey).thumbprint
        self.keyID = keyID
        self.publicJWK = JWK(jwkKey, keyID: keyID, use: .signature, algorithm: algorithm)
    }

    /// A signer on a fresh key for `algorithm` (RSA keys of 2048 bits). - Throws: `KeyError`.
    public static func generate(_ algorithm: JWSAlgorithm) throws(KeyError) -> AsymmetricSigner {
        try AsymmetricSigner(key: .generate(for: algorithm), algorithm: algorithm)
    }

    /// A signer on a PEM private key (PKCS #8, PKCS #1 or SEC 1). - Throws: `KeyError`.
    public init(pem: String, algorithm: JWSAlgorithm? = nil, keyID: String? = nil) throws(KeyError) {
        try self.init(key: PrivateSigningKey(pem: pem), algorithm: algorithm, keyID: keyID)
    }

    /// The JWS Signature over the signing input (RFC 7515 §5.1 step 5).
    public func sign(_ signingInput: [UInt8]) throws -> [UInt8] {
        try key.signature(for: signingInput, algorithm: algorithm)
    }

    /// Verifies with the public half, pinned to this signer's algorithm and `kid`.
    public var verifier: (any SignatureVerifier)? {
        AsymmetricVerifier(key: publicKey, algorithm: algorithm, keyID: keyID, checked: ())
    }

    /// The private key, for writing it out (`privateKey.pem`).
    public var privateKey: PrivateSigningKey { key }
}

extension AsymmetricSigner: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "AsymmetricSigner(\(algorithm.rawValue), keyID: \(keyID.map { "\"\($0)\"" } ?? "nil"))" }
    public var debugDescription: String { description }
    /// Keeps the private key out of `dump` and debugger descriptions.
    public var customMirror: Mirror {
        Mirror(self, children: ["algorithm": algorithm.rawValue, "keyID": keyID as Any])
    }
}
