import Foundation

/// A `client_id` that names the client's metadata document (draft-ietf-oauth-client-id-metadata-document
/// §3): `https`, a host, a path, no user information, no fragment, no `.` or `..` segment. Kept
/// verbatim: client identifiers compare as plain strings (§3, RFC 3986 §6.2.1), so
/// `https://a.example:443/c` and `https://a.example/c` are two clients.
///
/// Stricter than §3 where a looser reading could fool a fetcher: ASCII only, no backslash (which
/// WHATWG parsers read as `/`), a host of letters, digits, `-` and `.`, and no `localhost` or IP
/// literal, which could only name the server's own network (§8.6). The source still checks the
/// address a name resolves to.
public struct ClientIdentifierURL: Sendable, Hashable, CustomStringConvertible {
    /// The identifier exactly as the client sent it.
    public let rawValue: String
    /// The host, lowercased, for a consent page to show (§8.5).
    public let host: String
    /// The same URL for the host's HTTP client.
    public let url: URL

    /// The longest identifier accepted; a URL a user is shown should be short (§3).
    public static let maximumLength = 2048

    /// Nil unless `text` is a client identifier URL by the rules above.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        let scheme = Array("https://".utf8)
        guard bytes.count <= Self.maximumLength, bytes.count > scheme.count, bytes.starts(with: scheme) else {
            return nil
        }
        // Visible ASCII only: no space, control, non-ASCII, backslash or fragment anywhere.
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "#") })
        else { return nil }
        let rest = bytes[scheme.count...]
        guard let pathStart = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }),
            rest[pathStart] == UInt8(ascii: "/")  // §3: a path component, before any query
        else { return nil }
        let authority = rest[..<pathStart]
        guard let host = Self.host(of: authority) else { return nil }
        let queryStart = rest[pathStart...].firstIndex(of: UInt8(ascii: "?")) ?? rest.endIndex
        let path = rest[pathStart..<queryStart]
        for segment in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        where Self.isDotSegment(segment) {
            return nil
        }
        guard let url = URL(string: text) else { return nil }
        self.rawValue = text
        self.host = host
        self.url = url
    }

    public var description: String { rawValue }
    public var clientID: ClientID { ClientID(rawValue) }

    /// `host[:port]` without user information (§3); nil for anything else.
    private static func host(of authority: ArraySlice<UInt8>) -> String? {
        let colon = authority.firstIndex(of: UInt8(ascii: ":"))
        let name = authority[..<(colon ?? authority.endIndex)]
        if let colon {
            let port = authority[authority.index(after: colon)...]
            guard (1...5).contains(port.count), port.allSatisfy({ (0x30...0x39).contains($0) }),
                let number = Int(String(decoding: port, as: UTF8.self)), (1...65535).contains(number)
            else { return nil }
        }
        // RFC 3986 reg-name, restricted to DNS characters: this also refuses `@` (user
        // information), `[` (IPv6 literals) and percent-encoding.
        guard !name.isEmpty, name.count <= 253,
            name.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
            name.first != UInt8(ascii: "."), name.first != UInt8(ascii: "-")
        else { return nil }
        let host = String(decoding: name, as: UTF8.self).lowercased()
        let trimmed = host.hasSuffix(".") ? String(host.dropLast()) : host
        // No loopback name (RFC 6761 §6.3) and no IPv4 literal in any of its spellings: the
        // last label of a DNS name is never all digits.
        guard trimmed != "localhost", !trimmed.hasSuffix(".localhost"),
            let last = trimmed.split(separator: ".").last, !isNumeric(last)
        else { return nil }
        return trimmed
    }

    /// `.` or `..`, also percent-encoded (`%2e`), which some fetchers decode before resolving.
    private static func isDotSegment(_ segment: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: segment, as: UTF8.self).lowercased().replacingOccurrences(of: "%2e", with: ".")
        return text == "." || text == ".."
    }

    /// Decimal, or `0x` hexadecimal: how an IPv4 literal's labels are spelled.
    private static func isNumeric(_ label: Substring) -> Bool {
        if label.hasPrefix("0x") { return label.dropFirst(2).allSatisfy(\.isHexDigit) }
        return label.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
