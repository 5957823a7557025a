import Crypto
import Foundation
import Granted
import _CryptoExtras

/// A public key GrantedCrypto verifies with, one case per key family.
public enum PublicSigningKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)

    /// The key as a JWK `Key` (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2).
    public var jwkKey: JWK.Key {
        switch self {
        case .rsa(let key):
            // Both values come from a key swift-crypto holds; `getKeyPrimitives` fails only on
            // allocation failure, in which case the key cannot be published at all.
            let primitives = (try? key.getKeyPrimitives()) ?? .init(modulus: Data(), publicExponent: Data())
            return .rsa(modulus: Self.minimal(primitives.modulus), exponent: Self.minimal(primitives.publicExponent))
        case .p256(let key):
            let point = Array(key.rawRepresentation)
            return .ec(curve: .p256, x: Array(point[0..<32]), y: Array(point[32..<64]))
        case .ed25519(let key):
            return .okp(curve: .ed25519, x: Array(key.rawRepresentation))
        }
    }

    /// The RFC 7638 thumbprint: the default `kid`.
    public var thumbprint: String { JWK(jwkKey).thumbprint }

    /// The key of a public JWK, checked: RSA of 2048 bits or more, EC on P-256, OKP on Ed25519.
    /// - Throws: `KeyError` for any other key, or material swift-crypto refuses.
    public init(jwk: JWK) throws(KeyError) {
        switch jwk.key {
        case .rsa(let modulus, let exponent):
            let significant = modulus.drop(while: { $0 == 0 })
            let bits = significant.first.map { significant.count * 8 - $0.leadingZeroBitCount } ?? 0
            guard bits >= 2048 else { throw .rsaKeyTooSmall(bits: bits) }
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(n: modulus, e: exponent)
            } catch {
                throw .invalidJWK(member: "n")
            }
            self = .rsa(key)
        case .ec(let curve, let x, let y):
            guard curve == .p256 else { throw .unsupportedKey }
            do {
                self = .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
            } catch {
                throw .invalidJWK(member: "x")
            }
        case .okp(let curve, let x):
            guard curve == .ed25519 else { throw .unsupportedKey }
            do {
                self = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: x))
            } catch {
                throw .invalidJWK(member: "x")
            }
        case .oct:
            throw .unsupportedKey
        }
    }

    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo, RFC 5280 §4.1.2.7) or `RSA PUBLIC KEY` PEM.
    /// - Throws: `KeyError`.
    public init(pem: String) throws(KeyError) {
        let document = try PEM.decode(pem)
        guard document.label == "PUBLIC KEY" || document.label == "RSA PUBLIC KEY" else {
            throw .unsupportedPEMLabel(document.label)
        }
        if let raw = Ed25519DER.key(in: document.der, after: Ed25519DER.publicPrefix),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        {
            self = .ed25519(key)
        } else if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            self = .p256(key)
        } else if let key = try? _RSA.Signing.PublicKey(unsafePEMRepresentation: pem) {
            guard key.keySizeInBits >= 2048 else { throw .rsaKeyTooSmall(bits: key.keySizeInBits) }
            self = .rsa(key)
        } else {
            throw .unsupportedKey
        }
    }

    /// SubjectPublicKeyInfo PEM (`PUBLIC KEY`).
    public var pem: String {
        switch self {
        case .rsa(let key): key.pemRepresentation
        case .p256(let key): key.pemRepresentation
        case .ed25519(let key): PEM.encode(Ed25519DER.publicPrefix + Array(key.rawRepresentation), label: "PUBLIC KEY")
        }
    }

    /// Whether a signature by this key with `algorithm` is valid for the signing input.
    func isValid(_ signature: [UInt8], for signingInput: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        switch self {
        case .rsa(let key):
            let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signingInput),
                padding: padding)
        case .p256(let key):
            // RFC 7518 §3.4: exactly R ‖ S, 32 octets each; DER is refused.
            guard signature.count == 64,
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
        case .ed25519(let key):
            return key.isValidSignature(signature, for: signingInput)
        }
    }

    /// Big-endian octets without leading zeros (RFC 7518 §2, Base64urlUInt).
    private static func minimal(_ data: Data) -> [UInt8] {
        let bytes = Array(data)
        let first = bytes.firstIndex(where: { $0 != 0 }) ?? max(bytes.count - 1, 0)
        return Array(bytes[first...])
    }
}
