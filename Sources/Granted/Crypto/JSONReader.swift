/// A strict RFC 8259 reader for the untrusted JSON of the verify side (JWS headers, JWT claims, a
/// DPoP proof's `jwk`): no Foundation objects, and every value keeps where it lies in the input,
/// so an extra claim is kept as sent rather than written again.
///
/// Only the grammar of RFC 8259 §2-§7: white space is space, tab, line feed and carriage return
/// (§2); no trailing commas, comments, byte order mark, `NaN` or `Infinity`; numbers without
/// leading zeros (§6) whose value is a finite `Double`; strings of valid UTF-8 (§8.1) without
/// unescaped control characters nor a lone surrogate escape (§7, §8.2). Containers nest at most
/// `maximumDepth` deep, so the reader's recursion is bounded; it runs in time linear in the input.
/// A repeated member name is kept as read; lookups answer the last one (RFC 7515 §4, RFC 7519 §4:
/// "use the lexically last"), as `JSONSerialization` did before.
enum JSONReader {
    /// How deep objects and arrays may nest; the top-level object is depth 1.
    static let maximumDepth = 32

    /// The object `bytes` holds, nil for anything else (another top-level value included).
    static func object(_ bytes: [UInt8]) -> JSONObject? {
        guard let value = value(bytes), case .object(let members) = value.kind else { return nil }
        return JSONObject(source: bytes, members: members)
    }

    /// The one value `bytes` holds, white space around it allowed; nil unless exactly one.
    static func value(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            return parser.document()
        }
    }
}

/// One JSON value, and the range of the input its text spans (no white space around it).
struct JSONValue: Sendable {
    enum Kind: Sendable {
        case object([JSONMember])
        case array([JSONValue])
        case string(String)
        case number(JSONNumber)
        case bool(Bool)
        case null
    }

    let kind: Kind
    let range: Range<Int>

    var string: String? {
        guard case .string(let text) = kind else { return nil }
        return text
    }

    var number: JSONNumber? {
        guard case .number(let number) = kind else { return nil }
        return number
    }

    /// The elements when the value is an array.
    var array: [JSONValue]? {
        guard case .array(let elements) = kind else { return nil }
        return elements
    }

    /// The elements when the value is an array of strings only (empty included).
    var strings: [String]? {
        guard case .array(let elements) = kind else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element.kind else { return nil }
            strings.append(text)
        }
        return strings
    }
}

/// A member of an object: its name, unescaped, and its value.
struct JSONMember: Sendable {
    let name: String
    let value: JSONValue
}

/// A JSON number (RFC 8259 §6).
struct JSONNumber: Sendable, Hashable {
    /// The value, rounded to the nearest `Double`; always finite, as a number beyond is refused.
    let double: Double
    /// The value when the text has neither fraction nor exponent and it fits in an `Int`.
    let integer: Int?
}

/// An object read by `JSONReader`, with the input it was read from, so a member's value can be
/// had as the exact bytes that were sent.
struct JSONObject: Sendable {
    let source: [UInt8]
    /// In input order, repeated names included.
    let members: [JSONMember]

    /// The value of the last member named `name` (RFC 7515 §4; RFC 7519 §4).
    subscript(name: String) -> JSONValue? {
        for member in members.reversed() where member.name == name { return member.value }
        return nil
    }

    /// The member `name` as an object, nil when absent or another type.
    func object(_ name: String) -> JSONObject? {
        guard case .object(let members) = self[name]?.kind else { return nil }
        return JSONObject(source: source, members: members)
    }

    /// The text of `value`, one of this object's values (at any depth), as it was sent.
    func bytes(of value: JSONValue) -> [UInt8] {
        Array(source[value.range])
    }
}
