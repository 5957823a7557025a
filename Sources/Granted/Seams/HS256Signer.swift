/// HS256 (RFC 7518 §3.2) in pure Swift: the default signer, and the verifier for the same key.
/// The HMAC pads are computed once per key; signing costs the signing input plus two blocks.
public struct HS256Signer: Signer, SignatureVerifier {
    /// Why a key was refused.
    public enum KeyError: Error, Sendable, Hashable {
        /// RFC 7518 §3.2: the key MUST be at least as long as the hash output, 32 bytes.
        case shorterThan256Bits
    }

    public var algorithm: JWSAlgorithm { .hs256 }
    public let keyID: String?
    /// Key-equivalent state: hidden from `description`, `dump` and `Mirror` below.
    private let mac: HMACSHA256

    /// Keys the MAC once. - Throws: `KeyError.shorterThan256Bits` for a key under 32 bytes.
    public init(key: [UInt8], keyID: String? = nil) throws(KeyError) {
        guard key.count >= 32 else { throw .shorterThan256Bits }
        self.mac = HMACSHA256(key: key)
        self.keyID = keyID
    }

    /// The 32-byte HMAC-SHA256 of the signing input (RFC 7518 §3.2).
    public func sign(_ signingInput: [UInt8]) -> [UInt8] {
        mac.authenticationCode(for: signingInput).bytes
    }

    /// Recomputes the MAC and compares in constant time (RFC 7518 §3.2); any other length is refused.
    public func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        guard let given = Digest256(bytes: signature) else { return false }
        return mac.authenticationCode(for: signingInput).constantTimeEquals(given)
    }

    /// Always nil: a symmetric key is a secret (RFC 7517 §9.2).
    public var publicJWK: JWK? { nil }

    /// The same key: an HMAC verifies by signing again (RFC 7518 §3.2).
    public var verifier: (any SignatureVerifier)? { self }
}

extension HS256Signer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "HS256Signer(keyID: \(keyID.map { "\"\($0)\"" } ?? "nil"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["keyID": keyID as Any]) }
}
