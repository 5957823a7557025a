/// Base64url without padding (RFC 4648 §5; RFC 7515 §2), as JWS, PKCE and Granted's tokens
/// use it. Branch-free per character, so encoding or decoding a secret leaks nothing through
/// timing; decoding works on eight characters at once (`Base64Lanes`).
public enum Base64URL {
    /// The unpadded base64url text of `bytes`.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = encodedCount(bytes.count)
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { output in
            encode(bytes, into: output)
            return count
        }
    }

    /// The unpadded base64url text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { encode($0) }
    }

    /// Appends the unpadded base64url text of `bytes` as ASCII, e.g. while building a JWS.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let count = encodedCount(bytes.count)
        guard count > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        output.withUnsafeMutableBufferPointer { buffer in
            encode(bytes, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Strict: rejects '=' padding, characters outside the url-safe alphabet, a length of 4n+1,
    /// and non-zero trailing bits (so each byte string has exactly one encoding). nil on any of these.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) {
            return decoded
        }
        var copy = String(text)
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// Decodes ASCII base64url text with the same strict rules as `decode(_:)` on a string.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let remainder = bytes.count % 4
        guard remainder != 1 else { return nil }
        let whole = bytes.count &- remainder
        let count = whole / 4 &* 3 &+ (remainder == 0 ? 0 : remainder &- 1)
        // Every rejection is folded into `invalid` and checked once at the end.
        var invalid: UInt64 = 0
        let decoded = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            invalid = Base64Lanes.decodeQuads(bytes, count: whole, into: output, dash, underscore)
            if remainder >= 2 {
                let tail = Base64Lanes.sextets(
                    ofTail: UnsafeRawBufferPointer(rebasing: bytes[whole...]), dash, underscore, invalid: &invalid)
                Base64Lanes.store(Base64Lanes.pack(tail), count: remainder &- 1, into: output, at: whole / 4 &* 3)
                // The last character carries 4 (of 2) or 2 (of 3) unused bits, which must be zero.
                let last = tail &>> ((remainder &- 1) &* 8) & 0xFF
                invalid |= last & (remainder == 2 ? 0x0F : 0x03)
            }
            initialized = count
        }
        return invalid == 0 ? decoded : nil
    }

    /// The characters of values 62 and 63 in the url-safe alphabet (RFC 4648 Table 2).
    private static var dash: UInt8 { 0x2D }
    private static var underscore: UInt8 { 0x5F }

    /// 4 characters per 3 bytes, and 2 or 3 for a final 1 or 2 bytes.
    static func encodedCount(_ byteCount: Int) -> Int {
        let remainder = byteCount % 3
        return byteCount / 3 &* 4 &+ (remainder == 0 ? 0 : remainder &+ 1)
    }

    /// Writes the text of `bytes` at the start of `output` (which must have room) and answers how
    /// many characters it wrote, for callers building a larger string in place.
    static func encode(_ bytes: UnsafeRawBufferPointer, writingInto output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        encode(bytes, into: output)
        return encodedCount(bytes.count)
    }

    /// Writes exactly `encodedCount(bytes.count)` characters to `output`.
    private static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) {
        var input = 0
        var written = 0
        while bytes.count &- input >= 3 {
            let group = Int32(bytes[input]) &<< 16 | Int32(bytes[input &+ 1]) &<< 8 | Int32(bytes[input &+ 2])
            output[written] = character(group &>> 18)
            output[written &+ 1] = character(group &>> 12 & 0x3F)
            output[written &+ 2] = character(group &>> 6 & 0x3F)
            output[written &+ 3] = character(group & 0x3F)
            input &+= 3
            written &+= 4
        }
        switch bytes.count &- input {
        case 2:
            let group = Int32(bytes[input]) &<< 16 | Int32(bytes[input &+ 1]) &<< 8
            output[written] = character(group &>> 18)
            output[written &+ 1] = character(group &>> 12 & 0x3F)
            output[written &+ 2] = character(group &>> 6 & 0x3F)
        case 1:
            let group = Int32(bytes[input]) &<< 16
            output[written] = character(group &>> 18)
            output[written &+ 1] = character(group &>> 12 & 0x3F)
        default:
            break
        }
    }

    /// The alphabet of RFC 4648 Table 2 without a lookup: A–Z, a–z, 0–9, '-', '_'.
    @inline(__always)
    private static func character(_ value: Int32) -> UInt8 {
        var ascii = value &+ 65
        ascii &+= ((25 &- value) &>> 31) & 6  // 26… → 'a'…
        ascii &+= ((51 &- value) &>> 31) & -75  // 52… → '0'…
        ascii &+= ((61 &- value) &>> 31) & -13  // 62 → '-'
        ascii &+= ((62 &- value) &>> 31) & 49  // 63 → '_'
        return UInt8(truncatingIfNeeded: ascii)
    }
}
