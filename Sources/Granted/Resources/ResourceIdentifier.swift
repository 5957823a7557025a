/// A protected resource's identifier (RFC 8707 §2): an absolute URI (RFC 3986 §4.3) with no
/// fragment, compared as a string. Parsing rejects anything else, so a value of this type is
/// always one a `resource` parameter may name.
public struct ResourceIdentifier: RawRepresentable, Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible, ExpressibleByStringLiteral
{
    public let rawValue: String

    /// Nil unless `rawValue` is an absolute URI without a fragment (RFC 8707 §2): a scheme
    /// (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`), a colon, a non-empty rest of URI
    /// characters, no `#`; at most 2,048 bytes.
    public init?(rawValue: String) {
        guard Self.isAbsoluteURIWithoutFragment(rawValue.utf8) else { return nil }
        self.rawValue = rawValue
    }

    /// A literal in the host's code; it traps on a malformed literal, which is a programming error.
    public init(stringLiteral value: String) {
        guard let identifier = Self(rawValue: value) else {
            preconditionFailure("not an absolute URI without a fragment: \(value)")
        }
        self = identifier
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let identifier = Self(rawValue: raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an absolute URI without a fragment"))
        }
        self = identifier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    static let maximumLength = 2048

    private static func isAbsoluteURIWithoutFragment(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count <= maximumLength, let first = bytes.first, isAlpha(first) else { return false }
        var index = bytes.startIndex
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: ":") {
            let byte = bytes[index]
            guard isAlpha(byte) || (0x30...0x39).contains(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E
            else { return false }
            index = bytes.index(after: index)
        }
        guard index < bytes.endIndex else { return false }
        let rest = bytes[bytes.index(after: index)...]
        guard !rest.isEmpty else { return false }
        // hier-part [ "?" query ]: URI characters and percent-encodings only; no "#" (§2).
        var remaining = rest.makeIterator()
        while let byte = remaining.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = remaining.next(), let low = remaining.next(), isHex(high), isHex(low) else {
                    return false
                }
            } else if !isURICharacter(byte) {
                return false
            }
        }
        return true
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// unreserved / sub-delims / ":" / "@" / "/" / "?" / "[" / "]" (RFC 3986 §2; "#" excluded).
    private static func isURICharacter(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || (0x30...0x39).contains(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"),
            UInt8(ascii: "["), UInt8(ascii: "]"):
            return true
        default:
            return false
        }
    }
}

/// The resources a token is for: its audience (RFC 8707 §2; RFC 9068 §3 `aud`). Empty when the
/// server has no resource registry.
public typealias Audience = Set<ResourceIdentifier>

extension Set where Element == ResourceIdentifier {
    /// The identifiers in a stable order, for `aud` and storage.
    var sortedValues: [String] { map(\.rawValue).sorted() }
}
