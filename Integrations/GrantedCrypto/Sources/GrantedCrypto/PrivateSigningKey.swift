import Crypto
import Foundation
import Granted
import _CryptoExtras

/// A private key GrantedCrypto signs with, one case per key family, on swift-crypto.
public enum PrivateSigningKey: Sendable {
    /// RSA of 2048 bits or more: RS256 (RFC 7518 §3.3) or PS256 (§3.5).
    case rsa(_RSA.Signing.PrivateKey)
    /// ECDSA on P-256: ES256 (RFC 7518 §3.4).
    case p256(P256.Signing.PrivateKey)
    /// Ed25519: EdDSA (RFC 8037 §3.1).
    case ed25519(Curve25519.Signing.PrivateKey)

    /// A fresh key for `algorithm`: RSA keys have 2048 bits.
    /// - Throws: `KeyError.algorithmNotSupported` for an algorithm other than RS256, PS256, ES256, EdDSA.
    public static func generate(for algorithm: JWSAlgorithm) throws(KeyError) -> PrivateSigningKey {
        switch algorithm {
        case .rs256, .ps256:
            do {
                return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
            } catch {
                throw .rejectedByCryptoLibrary
            }
        case .es256: return .p256(P256.Signing.PrivateKey())
        case .edDSA: return .ed25519(Curve25519.Signing.PrivateKey())
        default: throw .algorithmNotSupported(algorithm, keyType: "new")
        }
    }

    /// The public half, for JWKs and verifiers.
    public var publicKey: PublicSigningKey {
        switch self {
        case .rsa(let key): .rsa(key.publicKey)
        case .p256(let key): .p256(key.publicKey)
        case .ed25519(let key): .ed25519(key.publicKey)
        }
    }

    /// The algorithm a signer uses by default: RS256 (the OpenID Connect default, Core §15.1),
    /// ES256 or EdDSA.
    public var defaultAlgorithm: JWSAlgorithm {
        switch self {
        case .rsa: .rs256
        case .p256: .es256
        case .ed25519: .edDSA
        }
    }

    /// Whether this key can sign with `algorithm` (RFC 7518 §3.1; RFC 8037 §3.1).
    public func canSign(_ algorithm: JWSAlgorithm) -> Bool {
        switch self {
        case .rsa: algorithm == .rs256 || algorithm == .ps256
        case .p256: algorithm == .es256
        case .ed25519: algorithm == .edDSA
        }
    }

    /// The JWS Signature of `signingInput` (RFC 7515 §5.1): PKCS #1 v1.5 or PSS over SHA-256,
    /// ECDSA as R ‖ S (RFC 7518 §3.4), or the 64-byte Ed25519 signature (RFC 8037 §3.1).
    func signature(for signingInput: [UInt8], algorithm: JWSAlgorithm) throws -> [UInt8] {
        switch self {
        case .rsa(let key):
            let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
            return Array(try key.signature(for: SHA256.hash(data: signingInput), padding: padding).rawRepresentation)
        case .p256(let key):
            return Array(try key.signature(for: SHA256.hash(data: signingInput)).rawRepresentation)
        case .ed25519(let key):
            return Array(try key.signature(for: signingInput))
        }
    }
}

// MARK: - PEM

extension PrivateSigningKey {
    /// Reads a private key from PEM: PKCS #8 (`PRIVATE KEY`, RFC 5208) for RSA, P-256 and Ed25519,
    /// PKCS #1 (`RSA PRIVATE KEY`, RFC 8017 §A.1.2) or SEC 1 (`EC PRIVATE KEY`, RFC 5915).
    /// - Throws: `KeyError`.
    public init(pem: String) throws(KeyError) {
        let document = try PEM.decode(pem)
        switch document.label {
        case "RSA PRIVATE KEY":
            self = .rsa(try Self.rsa(pem))
        case "EC PRIVATE KEY":
            self = .p256(try Self.p256(pem))
        case "PRIVATE KEY":
            if let seed = Ed25519DER.key(in: document.der, after: Ed25519DER.privatePrefix) {
                do {
                    self = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
                } catch {
                    throw .rejectedByCryptoLibrary
                }
            } else if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
                self = .p256(key)
            } else {
                self = .rsa(try Self.rsa(pem))
            }
        default:
            throw .unsupportedPEMLabel(document.label)
        }
    }

    /// PKCS #8 PEM (`PRIVATE KEY`), the form `openssl genpkey` writes, for every key family.
    public var pem: String {
        switch self {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .p256(let key): key.pemRepresentation
        case .ed25519(let key): PEM.encode(Ed25519DER.privatePrefix + Array(key.rawRepresentation), label: "PRIVATE KEY")
        }
    }

    private static func rsa(_ pem: String) throws(KeyError) -> _RSA.Signing.PrivateKey {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
        } catch {
            throw .unsupportedKey
        }
        guard key.keySizeInBits >= 2048 else { throw .rsaKeyTooSmall(bits: key.keySizeInBits) }
        return key
    }

    private static func p256(_ pem: String) throws(KeyError) -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .unsupportedKey
        }
    }
}

extension PrivateSigningKey: CustomStringConvertible, CustomReflectable {
    /// The key family only: never key material.
    public var description: String {
        switch self {
        case .rsa(let key): "PrivateSigningKey.rsa(\(key.keySizeInBits) bits)"
        case .p256: "PrivateSigningKey.p256"
        case .ed25519: "PrivateSigningKey.ed25519"
        }
    }
    /// Keeps the private key out of `dump` and debugger descriptions.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}
