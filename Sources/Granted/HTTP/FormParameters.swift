import Foundation

/// Bounds on what Granted reads from one request, so input size never drives cost.
public struct InputLimits: Sendable, Hashable {
    /// Largest form body or query string accepted, in bytes.
    public var maxBytes: Int = 16 * 1024
    /// Most `name=value` pairs accepted in one form or query.
    public var maxParameters: Int = 64
    public init(maxBytes: Int = 16 * 1024, maxParameters: Int = 64) {
        self.maxBytes = maxBytes
        self.maxParameters = maxParameters
    }
}

/// Parameters of an `application/x-www-form-urlencoded` body or a query string
/// (RFC 6749 Appendix B), parsed over bytes. Empty values count as omitted (§3.1) and
/// repeated parameters are refused when read (§3.1, §3.2).
public struct FormParameters: Sendable, Hashable {
    struct Pair: Sendable, Hashable {
        var name: String
        var value: String
    }
    private(set) var pairs: [Pair]

    /// - Throws: `invalidRequest` for a body over the limits, a bad percent-escape or non-UTF-8 text.
    public init(parsing bytes: [UInt8], limits: InputLimits = InputLimits()) throws(OAuthError) {
        guard bytes.count <= limits.maxBytes else { throw .invalidRequest("the request is too large") }
        let parsed: Result<[Pair], OAuthError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(OAuthError) in try Self.parse(buffer, limits: limits) }
        }
        self.pairs = try parsed.get()
    }

    /// - Throws: `invalidRequest` for a body over the limits, a bad percent-escape or non-UTF-8 text.
    public init(parsing bytes: some Collection<UInt8>, limits: InputLimits = InputLimits()) throws(OAuthError) {
        guard bytes.count <= limits.maxBytes else { throw .invalidRequest("the request is too large") }
        let parsed: Result<[Pair], OAuthError> =
            bytes.withContiguousStorageIfAvailable { buffer in
                Result { () throws(OAuthError) in try Self.parse(UnsafeRawBufferPointer(buffer), limits: limits) }
            } ?? Array(bytes).withUnsafeBytes { buffer in
                Result { () throws(OAuthError) in try Self.parse(buffer, limits: limits) }
            }
        self.pairs = try parsed.get()
    }

    /// Parses a raw (still percent-encoded) query string.
    public init(query: String?, limits: InputLimits = InputLimits()) throws(OAuthError) {
        var query = query ?? ""
        guard query.utf8.count <= limits.maxBytes else { throw .invalidRequest("the request is too large") }
        let parsed: Result<[Pair], OAuthError> = query.withUTF8 { buffer in
            Result { () throws(OAuthError) in try Self.parse(UnsafeRawBufferPointer(buffer), limits: limits) }
        }
        self.pairs = try parsed.get()
    }

    /// The parameters of a request the endpoint takes as a GET query or a form POST (OpenID
    /// Connect Core §3.1.2.1, RP-Initiated Logout 1.0 §2); `endpoint` names it in the error.
    /// - Throws: `invalidRequest` for another method or body, or what parsing refuses.
    init(queryOrFormPost request: OAuthRequest, limits: InputLimits, endpoint: String) throws(OAuthError) {
        switch request.method {
        case .get: try self.init(query: request.query, limits: limits)
        case .post where request.hasFormBody: try self.init(parsing: request.body, limits: limits)
        default: throw .invalidRequest("the \(endpoint) endpoint accepts GET or a form POST")
        }
    }

    /// The value of a parameter that may appear at most once; nil when absent or empty.
    /// - Throws: `invalidRequest` when it is repeated (RFC 6749 §3.1, §3.2).
    public func single(_ name: String) throws(OAuthError) -> String? {
        var found: String?
        for pair in pairs where Self.sameName(pair.name, name) {
            guard found == nil else { throw .invalidRequest("repeated parameter: \(name)") }
            found = pair.value
        }
        return found
    }

    /// Whether the parameter is present (with a non-empty value).
    public func contains(_ name: String) -> Bool { pairs.contains { Self.sameName($0.name, name) } }

    /// `==` on names, answering names of another length at once: a request's parameter names
    /// mostly differ from the one sought in length, and `==` on two different small strings
    /// goes through the general comparison.
    @inline(__always) static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs == rhs
    }

    /// Parameters already parsed (a pushed request's, RFC 9126 §4); empty values count as omitted.
    init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs.filter { !$0.value.isEmpty }.map { Pair(name: $0.name, value: $0.value) }
    }

    /// All parameters in order, e.g. to hand unknown ones to the host.
    public var all: [(name: String, value: String)] { pairs.map { ($0.name, $0.value) } }

    private static func parse(_ buffer: UnsafeRawBufferPointer, limits: InputLimits) throws(OAuthError) -> [Pair] {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return [] }
        let end = buffer.count
        // One allocation for the pairs: at most one per `&`-separated piece, within the limit.
        // (Branch-free, so the compiler vectorizes the count.)
        var pieces = 1
        for byte in buffer { pieces &+= byte == UInt8(ascii: "&") ? 1 : 0 }
        var pairs: [Pair] = []
        pairs.reserveCapacity(min(limits.maxParameters, pieces))
        var start = 0
        while start < end {
            // memchr finds the separators a vector at a time; tokens and URIs make long runs.
            let stop = offset(of: UInt8(ascii: "&"), in: base, from: start, to: end)
            if stop > start {
                let equals = offset(of: UInt8(ascii: "="), in: base, from: start, to: stop)
                let name = try decode(UnsafeRawBufferPointer(rebasing: buffer[start..<equals]))
                let value =
                    equals < stop
                    ? try decode(UnsafeRawBufferPointer(rebasing: buffer[(equals + 1)..<stop])) : ""
                if !name.isEmpty && !value.isEmpty {
                    guard pairs.count < limits.maxParameters else {
                        throw .invalidRequest("too many parameters")
                    }
                    pairs.append(Pair(name: name, value: value))
                }
            }
            start = stop + 1
        }
        return pairs
    }

    /// Where `byte` first is in `base[from..<to]`, or `to`.
    @inline(__always)
    private static func offset(of byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int {
        guard let found = memchr(base + from, Int32(byte), to - from) else { return to }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Percent-decodes one name or value (`+` is a space) and checks it is UTF-8.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(OAuthError) -> String {
        // One branch-free pass (vectorized): whether anything needs decoding, and whether the
        // text is all ASCII.
        var escapes: UInt8 = 0
        var inputBits: UInt8 = 0
        for byte in bytes {
            escapes |= (byte == UInt8(ascii: "%") ? 1 : 0) | (byte == UInt8(ascii: "+") ? 1 : 0)
            inputBits |= byte
        }
        if escapes == 0 {
            // ASCII is valid UTF-8: nothing to check.
            if inputBits < 0x80 { return String(decoding: bytes, as: UTF8.self) }
            guard let text = utf8Text(bytes) else { throw .invalidRequest("a parameter is not UTF-8") }
            return text
        }
        // Decoded into scratch space (on the stack when small): the only allocation is the text.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { (out) throws(OAuthError) -> String in
            var count = 0
            var index = 0
            var escapedBits: UInt8 = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "+") {
                    out[count] = 0x20
                    index += 1
                } else if byte == UInt8(ascii: "%") {
                    guard index + 2 < bytes.count,
                        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                    else { throw .invalidRequest("a parameter has a malformed percent-encoding") }
                    out[count] = high << 4 | low
                    escapedBits |= high << 4
                    index += 3
                } else {
                    out[count] = byte
                    index += 1
                }
                count += 1
            }
            let decoded = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: out[..<count]))
            // All ASCII, escaped bytes and the rest: valid as it stands.
            if escapedBits < 0x80 && inputBits < 0x80 { return String(decoding: decoded, as: UTF8.self) }
            guard let text = utf8Text(decoded) else {
                throw .invalidRequest("a parameter is not UTF-8")
            }
            return text
        }
    }

    /// The bytes as text when they are well-formed UTF-8 (RFC 3629), else nil. Decoding with
    /// repair and comparing is exact: the repaired text is well-formed, so it equals its input
    /// only when the input was. (`String(validating:)` runs unspecialized here, looking up
    /// generic metadata on every call.)
    static func utf8Text(_ bytes: UnsafeRawBufferPointer) -> String? {
        var text = String(decoding: bytes, as: UTF8.self)
        let unchanged = text.withUTF8 { decoded in
            guard decoded.count == bytes.count else { return false }
            guard let left = decoded.baseAddress, let right = bytes.baseAddress else { return true }  // both empty
            return memcmp(left, right, bytes.count) == 0
        }
        return unchanged ? text : nil
    }

    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Form-urlencoding for values Granted writes into redirect URIs and Basic credentials
/// (RFC 6749 Appendix B): unreserved characters stay, everything else is `%XX`.
enum FormEncoding {
    static func encode(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        @inline(__always) func hex(_ nibble: UInt8) -> UInt8 {
            nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex(byte >> 4))
                out.append(hex(byte & 0x0F))
            }
        }
    }

    /// `name=value&name=value`, skipping nil values.
    static func encode(_ pairs: [(String, String?)]) -> String {
        var out = [UInt8]()
        append(pairs, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `name=value&name=value`, skipping nil values, with room reserved for every pair
    /// unescaped: one allocation for the usual ASCII values.
    static func append(_ pairs: [(String, String?)], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + pairs.reduce(0) { $0 + $1.0.utf8.count + ($1.1?.utf8.count ?? 0) + 2 })
        var first = true
        for (name, value) in pairs {
            guard let value else { continue }
            if !first { out.append(UInt8(ascii: "&")) }
            first = false
            append(name, to: &out)
            out.append(UInt8(ascii: "="))
            append(value, to: &out)
        }
    }
}
