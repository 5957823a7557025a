/// A 32-byte SHA-256 output: the one digest type, the key every store keeps secrets under (as
/// `GrantStore` says), stored as four big-endian UInt64 words so it is a fixed-size,
/// allocation-free dictionary key (tokens are stored by their digest).
public struct Digest256: Sendable, Hashable {
    /// Bytes 0-7 of the digest, big-endian; `w1`, `w2` and `w3` hold bytes 8-15, 16-23, 24-31.
    let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Reads a digest back from its 32 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var index = 0
        for byte in bytes {
            guard index < 32 else { return nil }  // a collection whose count and iteration disagree
            let shifted = UInt64(byte) &<< UInt64(56 &- 8 &* (index & 7))
            switch index >> 3 {
            case 0: words.0 |= shifted
            case 1: words.1 |= shifted
            case 2: words.2 |= shifted
            default: words.3 |= shifted
            }
            index &+= 1
        }
        guard index == 32 else { return nil }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// The 32 bytes, in the order FIPS 180-4 §6.2.2 step 4 writes H0…H7.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Lends the 32 bytes without allocating, e.g. to base64url-encode a MAC into a JWS.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian), body)
    }

    /// Lowercase hex, as test vectors and `sha256sum` print it.
    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: 64) { out in
                digits.withUTF8Buffer { digit in
                    for (index, byte) in raw.enumerated() {
                        out[2 &* index] = digit[Int(byte &>> 4)]
                        out[2 &* index &+ 1] = digit[Int(byte & 0x0F)]
                    }
                }
                return 64
            }
        }
    }

    /// Feeds only `w0`: a digest is uniformly random, so one word spreads keys as well as four.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
    }

    /// Constant-time equality (use this, not ==, whenever one side is secret).
    public func constantTimeEquals(_ other: Digest256) -> Bool {
        ((w0 ^ other.w0) | (w1 ^ other.w1) | (w2 ^ other.w2) | (w3 ^ other.w3)) == 0
    }
}

/// The key a token is stored under: the SHA-256 of the token, never the token itself.

extension Digest256 {
    /// The SHA-256 of a token's UTF-8 text: the key every secret is stored under.
    public init(hashing text: String) {
        self = SHA256.hash(text)
    }
}

extension Digest256 {
    /// The SHA-256 of raw bytes (FIPS 180-4), e.g. a token already in a buffer.
    public init(hashing bytes: UnsafeRawBufferPointer) {
        self = SHA256.hash(bytes)
    }
    /// The SHA-256 of bytes (FIPS 180-4).
    public init(hashing bytes: [UInt8]) {
        self = SHA256.hash(bytes)
    }
}

extension Digest256: Codable {
    /// Reads the 64 lowercase or uppercase hex digits `encode(to:)` writes.
    /// - Throws: `DecodingError.dataCorrupted` for anything else.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character &- UInt8(ascii: "A") &+ 10
            default: throw Self.corrupted(decoder)
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil, let digest = Digest256(bytes: bytes) else { throw Self.corrupted(decoder) }
        self = digest
    }

    /// Writes the digest as 64 lowercase hex digits, as `hex` spells it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func corrupted(_ decoder: any Decoder) -> DecodingError {
        .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not 64 hex digits"))
    }
}
