/// Client credentials from an `Authorization: Basic` header (RFC 6749 §2.3.1, RFC 7617):
/// the id and secret are form-urlencoded before they are joined by `:` and base64-encoded.
public struct BasicCredentials: Sendable, Hashable {
    public let clientID: ClientID
    public let secret: String

    /// Parses the header value, e.g. `Basic ZGVtbzpzZWNyZXQ=`; the scheme is case-insensitive
    /// (RFC 9110 §11.1). Nil when it is not Basic; throws when it is Basic but malformed.
    /// - Throws: `invalidClient(basicChallenge: true)` for a malformed Basic value.
    public init?(authorization value: String) throws(OAuthError) {
        // Over the header's bytes once: no `Substring`, no generic slices (every token request
        // of a confidential client reads it).
        var value = value
        let parsed: Result<(id: String, secret: String)?, OAuthError> = value.withUTF8 { bytes in
            Result { () throws(OAuthError) in try Self.parse(bytes) }
        }
        guard let (id, secret) = try parsed.get() else { return nil }
        self.clientID = ClientID(id)
        self.secret = secret
    }

    /// `Basic <base64(id ":" secret)>`: nil for another scheme.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(OAuthError) -> (id: String, secret: String)? {
        let schemeEnd = bytes.firstIndex(of: 0x20) ?? bytes.count
        guard ASCII.caseInsensitiveEquals(UnsafeBufferPointer(rebasing: bytes[..<schemeEnd]), "basic") else {
            return nil
        }
        guard schemeEnd < bytes.count else { throw .invalidClient(basicChallenge: true) }
        var start = schemeEnd + 1
        while start < bytes.count && bytes[start] == 0x20 { start += 1 }
        let encoded = UnsafeBufferPointer(rebasing: bytes[start...])
        // Decoded into scratch space (on the stack for any usual length) that is zeroed after:
        // the plain secret is never left behind in a freed heap block.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encoded.count / 4 * 3 + 1) {
            (scratch) throws(OAuthError) -> (id: String, secret: String) in
            defer { scratch.update(repeating: 0) }
            guard let count = Base64Standard.decode(encoded, into: scratch) else {
                throw .invalidClient(basicChallenge: true)
            }
            let decoded = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: scratch[..<count]))
            guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { throw .invalidClient(basicChallenge: true) }
            let id: String
            let secret: String
            do {
                id = try FormParameters.decode(UnsafeRawBufferPointer(rebasing: decoded[..<colon]))
                secret = try FormParameters.decode(UnsafeRawBufferPointer(rebasing: decoded[(colon + 1)...]))
            } catch { throw .invalidClient(basicChallenge: true) }
            guard !id.isEmpty else { throw .invalidClient(basicChallenge: true) }
            return (id, secret)
        }
    }

    public init(clientID: ClientID, secret: String) {
        self.clientID = clientID
        self.secret = secret
    }

    /// The header value a client sends (for tests and examples).
    public var headerValue: String {
        let joined = FormEncoding.encode(clientID.rawValue) + ":" + FormEncoding.encode(secret)
        return "Basic " + Base64Standard.encode(Array(joined.utf8))
    }
}

/// RFC 4648 §4 base64 with padding, as HTTP Basic uses it.
enum Base64Standard {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let n = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict decoding: length a multiple of 4, padding only at the end. Nil otherwise.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        text.withUnsafeBufferPointer { input in
            var out = [UInt8](repeating: 0, count: input.count / 4 * 3)
            guard let count = out.withUnsafeMutableBufferPointer({ decode(input, into: $0) }) else { return nil }
            out.removeLast(out.count - count)
            return out
        }
    }

    /// Decodes `input` into `out` (at least `input.count / 4 * 3` bytes); answers the bytes
    /// written, nil for input that is not strict base64.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard input.count % 4 == 0, out.count >= input.count / 4 * 3 else { return nil }
        var written = 0
        var index = 0
        while index < input.count {
            var n: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if byte == UInt8(ascii: "=") {
                    // Padding may only fill the last one or two places of the last quantum.
                    guard index + 4 == input.count, offset >= 2 else { return nil }
                    padding += 1
                    n <<= 6
                } else {
                    guard padding == 0, let value = sextet(byte) else { return nil }
                    n = n << 6 | UInt32(value)
                }
            }
            out[written] = UInt8(truncatingIfNeeded: n >> 16)
            out[written + 1] = UInt8(truncatingIfNeeded: n >> 8)
            out[written + 2] = UInt8(truncatingIfNeeded: n)
            written += 3 - padding
            index += 4
        }
        return written
    }

    @inline(__always) private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
