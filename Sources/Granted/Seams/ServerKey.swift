import Foundation

/// The server's own secret, for what it must know again later without storing it: the refresh
/// token a grace retry answers (RFC 9700 §4.14.2) is derived from the presented one with this
/// key, so the store keeps only digests and a copy of the database alone yields nothing.
///
/// Every process that shares a store must share one key (load it from the host's secret store);
/// the default, 32 random bytes, suits a single process. A new key only changes what retries
/// inside the grace window answer.
public struct ServerKey: Sendable {
    /// Why key bytes were refused.
    public enum KeyError: Error, Sendable, Hashable {
        /// HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 §3).
        case shorterThan256Bits
        /// The text is neither base64 nor base64url (RFC 4648 §4, §5).
        case notBase64
    }

    private let mac: HMACSHA256

    /// A key from the host's secret store. - Throws: `KeyError.shorterThan256Bits` under 32 bytes.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count >= 32 else { throw .shorterThan256Bits }
        mac = HMACSHA256(key: bytes)
    }

    /// A key as hosts keep it in a file or an environment variable: base64 or base64url (RFC 4648
    /// §4, §5), padded or not, surrounding whitespace ignored; what `granted` and the demo read.
    /// - Throws: `KeyError.notBase64`, or `.shorterThan256Bits` under 32 bytes.
    public init(encoded text: String) throws(KeyError) {
        var standard = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard.append("=") }
        guard let data = Data(base64Encoded: standard) else { throw .notBase64 }
        try self.init(bytes: Array(data))
    }

    /// A fresh key of 32 random bytes, for a server whose store no other process shares.
    public init(random: any RandomSource = SystemRandom()) {
        mac = HMACSHA256(key: random.bytes(32))
    }

    /// The refresh token that follows `presented` (RFC 6749 §6; RFC 9700 §4.14.2): a kind prefix
    /// and the base64url HMAC-SHA256 of the presented token, so that every retry of one token
    /// answers the same next token and two holders of it converge.
    func refreshToken(following presented: String, prefix: String) -> MintedSecret {
        let code = mac.authenticationCode(for: "granted refresh rotation\u{0}" + presented)
        let value = prefix + Base64URL.encode(code.bytes)
        return MintedSecret(value: value, digest: SHA256.hash(value))
    }

    /// The HMAC-SHA256 of `message` under the key, for digests a database copy must not reverse.
    func mac(_ message: String) -> Digest256 {
        mac.authenticationCode(for: message)
    }
}

/// The key is a secret: never print it.
extension ServerKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ServerKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
