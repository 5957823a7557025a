/// HMAC-SHA256 (RFC 2104 §2) for HS256 signatures; the inner and outer pad states are
/// computed once per key, so each MAC costs only the message blocks plus two.
struct HMACSHA256: Sendable {
    /// SHA-256 after absorbing `key ⊕ ipad` (one full block).
    private let inner: SHA256
    /// SHA-256 after absorbing `key ⊕ opad` (one full block).
    private let outer: SHA256

    /// Prepares the pads; a key longer than the 64-byte block is hashed first (RFC 2104 §2).
    init(key: [UInt8]) {
        var block: SHA256.Block = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &block) { padded in
            if key.count > 64 {
                SHA256.hash(key).withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: padded[0..<32]).copyMemory(from: $0)
                }
            } else {
                key.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: padded[0..<key.count]).copyMemory(from: $0)
                }
            }
        }
        inner = Self.absorbing(block, xoredWith: 0x3636_3636_3636_3636)
        outer = Self.absorbing(block, xoredWith: 0x5c5c_5c5c_5c5c_5c5c)
    }

    /// The MAC of `message`: SHA-256(key ⊕ opad ‖ SHA-256(key ⊕ ipad ‖ message)).
    func authenticationCode(for message: UnsafeRawBufferPointer) -> Digest256 {
        var innerHash = inner
        innerHash.update(message)
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update($0) }
        return outerHash.finalize()
    }

    /// The MAC of `message`.
    func authenticationCode(for message: [UInt8]) -> Digest256 {
        message.withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// The MAC of the UTF-8 bytes of `message` (a JWS signing input is ASCII).
    func authenticationCode(for message: String) -> Digest256 {
        var message = message
        return message.withUTF8 { authenticationCode(for: UnsafeRawBufferPointer($0)) }
    }

    /// A hasher that has absorbed the padded key with every byte XORed with one pad byte.
    private static func absorbing(_ key: SHA256.Block, xoredWith pad: UInt64) -> SHA256 {
        var padded = key
        padded.0 ^= pad; padded.1 ^= pad; padded.2 ^= pad; padded.3 ^= pad
        padded.4 ^= pad; padded.5 ^= pad; padded.6 ^= pad; padded.7 ^= pad
        var hasher = SHA256()
        withUnsafeBytes(of: &padded) { hasher.update($0) }
        return hasher
    }
}

/// The pad states are as good as the key: never print them.
extension HMACSHA256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "HMACSHA256(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
