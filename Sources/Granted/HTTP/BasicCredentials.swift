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
    /// written, nil for input that is not strict base64: a length of 4n, '=' only in the last
    /// one or two places. Unused bits before the padding are not checked (RFC 4648 §3.5 lets a
    /// decoder accept them). The characters are decoded without a branch or a table: they
    /// carry a client secret.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard input.count % 4 == 0, out.count >= input.count / 4 * 3 else { return nil }
        guard input.count > 0 else { return 0 }
        let pad = UInt8(ascii: "=")
        // Where the padding is says the length, which the header's own length already tells.
        let padding = input[input.count - 1] != pad ? 0 : input[input.count - 2] != pad ? 1 : 2
        let whole = padding == 0 ? input.count : input.count - 4
        let text = UnsafeRawBufferPointer(input)
        var invalid = Base64Lanes.decodeQuads(text, count: whole, into: out, plus, slash)
        if padding > 0 {
            let tail = Base64Lanes.sextets(
                ofTail: UnsafeRawBufferPointer(rebasing: text[whole..<(input.count - padding)]), plus, slash,
                invalid: &invalid)
            Base64Lanes.store(Base64Lanes.pack(tail), count: 3 - padding, into: out, at: whole / 4 * 3)
        }
        guard invalid == 0 else { return nil }
        return whole / 4 * 3 + (padding == 0 ? 0 : 3 - padding)
    }

    /// The characters of values 62 and 63 (RFC 4648 Table 1).
    private static var plus: UInt8 { 0x2B }
    private static var slash: UInt8 { 0x2F }
}
