/// An HTTP request as Granted sees it: the host maps its framework's request to this value.
/// (Not `Request`: that name is the host framework's.)
public struct OAuthRequest: Sendable, Hashable {
    /// The request method, e.g. `.post` (RFC 9110 §9).
    public var method: Method
    /// The path without the query, e.g. `/oauth/token`.
    public var path: String
    /// The raw query string after `?`, still percent-encoded; nil when absent.
    public var query: String?
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(
        method: Method, path: String = "/", query: String? = nil, headers: HeaderFields = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits `target` (`/path?query`) into path and query.
    public init(method: Method, target: String, headers: HeaderFields = [:], body: [UInt8] = []) {
        // Searched as UTF-8 bytes: `?` is ASCII, and a search by `Character` would break the
        // whole target into grapheme clusters first.
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(
                method: method, path: String(target[..<mark]),
                query: String(target[target.utf8.index(after: mark)...]), headers: headers, body: body)
        } else {
            self.init(method: method, path: target, query: nil, headers: headers, body: body)
        }
    }

    /// A form POST, as a client sends to the token endpoint.
    public static func form(
        _ path: String = "/token", _ body: String, headers: HeaderFields = [:]
    ) -> OAuthRequest {
        var fields = headers
        if fields["content-type"] == nil {
            fields.append("Content-Type", "application/x-www-form-urlencoded")
        }
        return OAuthRequest(method: .post, path: path, headers: fields, body: Array(body.utf8))
    }

    /// Whether the body is declared `application/x-www-form-urlencoded` (parameters allowed, e.g. charset).
    var hasFormBody: Bool {
        guard var type = headers["content-type"] else { return false }
        // The media type before any parameter (RFC 9110 §8.3.1), without surrounding spaces;
        // read over the bytes, as every token request asks it.
        return type.withUTF8 { bytes in
            var end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            var start = 0
            while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
            return ASCII.caseInsensitiveEquals(
                UnsafeBufferPointer(rebasing: bytes[start..<end]), "application/x-www-form-urlencoded")
        }
    }
}
