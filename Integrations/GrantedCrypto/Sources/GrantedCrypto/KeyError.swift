import Granted

/// Why GrantedCrypto refused a key, a PEM document or a JWK. Thrown at start-up or when a key is
/// configured, so each case names what to fix; none carries key material.
public enum KeyError: Error, Sendable, Hashable {
    /// Not a PEM document (RFC 7468 §2), or its base64 does not decode.
    case notPEM
    /// A PEM label GrantedCrypto does not read (it reads `PRIVATE KEY`, `RSA PRIVATE KEY`,
    /// `EC PRIVATE KEY` and `PUBLIC KEY`).
    case unsupportedPEMLabel(String)
    /// The PEM document's DER is not a key of a type GrantedCrypto signs with (RSA, P-256, Ed25519).
    case unsupportedKey
    /// An RSA key under 2048 bits (RFC 7518 §3.3, §3.5).
    case rsaKeyTooSmall(bits: Int)
    /// An algorithm this key cannot carry (RFC 7518 §3.1; RFC 8037 §3.1), or one GrantedCrypto
    /// does not implement (it implements RS256, PS256, ES256 and EdDSA with Ed25519).
    case algorithmNotSupported(JWSAlgorithm, keyType: String)
    /// A JWK member is missing or malformed (RFC 7518 §6; RFC 8037 §2).
    case invalidJWK(member: String)
    /// A private JWK whose public members do not belong to its private key.
    case inconsistentJWK
    /// The crypto library refused the key material.
    case rejectedByCryptoLibrary
}

extension KeyError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notPEM: "not a PEM document"
        case .unsupportedPEMLabel(let label): "a PEM \"\(label)\" is not a private or public key GrantedCrypto reads"
        case .unsupportedKey: "not an RSA, P-256 or Ed25519 key"
        case .rsaKeyTooSmall(let bits): "an RSA key of \(bits) bits: at least 2048 are required (RFC 7518 §3.3)"
        case .algorithmNotSupported(let algorithm, let keyType):
            "a \(keyType) key cannot sign with \(algorithm.rawValue) here (RS256, PS256, ES256, EdDSA)"
        case .invalidJWK(let member): "the JWK's \"\(member)\" is missing or malformed"
        case .inconsistentJWK: "the JWK's public members do not match its private key"
        case .rejectedByCryptoLibrary: "swift-crypto refused the key material"
        }
    }
}
