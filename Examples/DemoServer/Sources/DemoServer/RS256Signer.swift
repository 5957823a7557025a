import Crypto
import Foundation
import Granted
import _CryptoExtras

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) through Granted's `Signer` seam, with
/// swift-crypto: the worked example of plugging in the crypto library a host already uses.
/// Granted hands over the JWS signing input, publishes `publicJWK` in its JWK Set, and checks an
/// `id_token_hint` with `verifier`.
public struct RS256Signer: Signer {
    public enum KeyError: Error, CustomStringConvertible {
        case unreadable(path: String)
        case notAnRSAPrivateKey(path: String)
        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the signing key at \(path)"
            case .notAnRSAPrivateKey(let path): "\(path) is not a PEM RSA private key of 2048 bits or more"
            }
        }
    }

    public var algorithm: JWSAlgorithm { .rs256 }
    /// The RFC 7638 thumbprint of the public key, so the `kid` changes exactly when the key does.
    public let keyID: String?
    /// The public key (RFC 7518 §6.3.1), with the thumbprint as `kid`.
    public let publicJWK: JWK?
    /// Checks this key's signatures with its public half.
    public var verifier: (any SignatureVerifier)? { RS256Verifier(key: key.publicKey, keyID: keyID) }
    private let key: _RSA.Signing.PrivateKey

    public init(key: _RSA.Signing.PrivateKey) throws {
        let primitives = try key.publicKey.getKeyPrimitives()
        let modulus = Array(primitives.modulus)
        let exponent = Array(primitives.publicExponent)
        let n = Base64URL.encode(modulus)
        let e = Base64URL.encode(exponent)
        // RFC 7638 §3.2: the required members, in lexicographic order, without white space.
        let thumbprintInput = #"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#
        let thumbprint = Base64URL.encode(Array(SHA256.hash(data: Array(thumbprintInput.utf8))))
        self.key = key
        self.keyID = thumbprint
        self.publicJWK = JWK(
            .rsa(modulus: modulus, exponent: exponent), keyID: thumbprint, use: .signature, algorithm: .rs256)
    }

    /// A fresh 2048-bit key, as the demo makes at every start.
    public static func generate() throws -> RS256Signer {
        try RS256Signer(key: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// A key from a PEM file (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`), e.g. made with
    /// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem`.
    public static func load(pemFile path: String) throws -> RS256Signer {
        guard let data = FileManager.default.contents(atPath: path) else { throw KeyError.unreadable(path: path) }
        do {
            return try RS256Signer(key: _RSA.Signing.PrivateKey(pemRepresentation: String(decoding: data, as: UTF8.self)))
        } catch {
            throw KeyError.notAnRSAPrivateKey(path: path)
        }
    }

    /// The PKCS #1 v1.5 signature over SHA-256 of the signing input (RFC 7518 §3.3).
    public func sign(_ signingInput: [UInt8]) throws -> [UInt8] {
        let digest = SHA256.hash(data: signingInput)
        return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
    }
}

/// RS256 verification with the public key (RFC 7518 §3.3): what the signer declares as its verifier.
public struct RS256Verifier: SignatureVerifier {
    public var algorithm: JWSAlgorithm { .rs256 }
    public let keyID: String?
    let key: _RSA.Signing.PublicKey

    public init(key: _RSA.Signing.PublicKey, keyID: String?) {
        self.key = key
        self.keyID = keyID
    }

    public func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signingInput),
            padding: .insecurePKCS1v1_5)
    }
}

extension RS256Signer: CustomStringConvertible, CustomReflectable {
    public var description: String { "RS256Signer(keyID: \(keyID ?? "nil"))" }
    /// Keeps the private key out of `dump` and debugger descriptions.
    public var customMirror: Mirror { Mirror(self, children: ["keyID": keyID as Any]) }
}
