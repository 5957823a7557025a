/// The recursive-descent parser behind `JSONReader`; `depth` is checked before every descent.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The unescaped bytes of a string with escapes, reused from one string to the next.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() -> JSONValue? {
        skipWhiteSpace()
        guard let value = value(depth: 0) else { return nil }
        skipWhiteSpace()
        return index == bytes.count ? value : nil
    }

    /// RFC 8259 §2: `ws` is space, horizontal tab, line feed and carriage return only.
    private mutating func skipWhiteSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        guard index < bytes.count else { return nil }
        let start = index
        let kind: JSONValue.Kind
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < JSONReader.maximumDepth, let members = object(depth: depth + 1) else { return nil }
            kind = .object(members)
        case UInt8(ascii: "["):
            guard depth < JSONReader.maximumDepth, let elements = array(depth: depth + 1) else { return nil }
            kind = .array(elements)
        case UInt8(ascii: "\""):
            guard let text = string() else { return nil }
            kind = .string(text)
        case UInt8(ascii: "t"):
            guard literal("true") else { return nil }
            kind = .bool(true)
        case UInt8(ascii: "f"):
            guard literal("false") else { return nil }
            kind = .bool(false)
        case UInt8(ascii: "n"):
            guard literal("null") else { return nil }
            kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let number = number() else { return nil }
            kind = .number(number)
        default:
            return nil
        }
        return JSONValue(kind: kind, range: start..<index)
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// RFC 8259 §4, at `{`.
    private mutating func object(depth: Int) -> [JSONMember]? {
        index += 1
        skipWhiteSpace()
        var members: [JSONMember] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        members.reserveCapacity(8)
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = string() else { return nil }
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhiteSpace()
            guard let value = value(depth: depth) else { return nil }
            members.append(JSONMember(name: name, value: value))
            guard let more = afterElement(closing: UInt8(ascii: "}")) else { return nil }
            if !more { return members }
        }
    }

    /// RFC 8259 §5, at `[`.
    private mutating func array(depth: Int) -> [JSONValue]? {
        index += 1
        skipWhiteSpace()
        var elements: [JSONValue] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            guard let more = afterElement(closing: UInt8(ascii: "]")) else { return nil }
            if !more { return elements }
        }
    }

    /// After a member or element (RFC 8259 §4, §5): `,` and another follows (true), `closing`
    /// ends the container (false); anything else is malformed (nil).
    private mutating func afterElement(closing: UInt8) -> Bool? {
        skipWhiteSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: ","):
            index += 1
            skipWhiteSpace()
            return true
        case closing:
            index += 1
            return false
        default:
            return nil
        }
    }

    /// RFC 8259 §7, at `"`. A string without escapes is validated and copied from the input in
    /// one step; otherwise runs between escapes are copied whole into `scratch`.
    private mutating func string() -> String? {
        index += 1
        let start = index
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // ASCII is well-formed UTF-8 as it stands: `String(validating:)` runs unspecialized
                // here, looking up generic metadata on every call (a fifth of `ClientMetadata(json:)`).
                let text = bits < 0x80 ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            bits |= byte
            index += 1
        }
        return nil
    }

    /// The rest of a string from its first escape, at `index`.
    private mutating func escapedString(from start: Int) -> String? {
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(validating: scratch, as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            guard index + 1 < bytes.count else { return nil }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard let scalar = unicodeEscape() else { return nil }
                appendUTF8(scalar)
            default: return nil
            }
            runStart = index
        }
        return nil
    }

    /// The scalar of `XXXX` after `\u`, with the low surrogate escape that must follow a high one
    /// (RFC 8259 §7); nil for a lone or reversed surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        switch unit {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            return nil
        default:
            return Unicode.Scalar(unit)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | value >> 6))
            scratch.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | value >> 12))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | value >> 18))
            scratch.append(UInt8(0x80 | value >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a `Double`.
    /// Integers of up to 18 digits are converted directly; others through the standard library.
    private mutating func number() -> JSONNumber? {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count else { return nil }
        var magnitude = 0
        let digitsStart = index
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                if index - digitsStart < 18 { magnitude = magnitude * 10 + digit }
                index += 1
            }
            guard index > digitsStart else { return nil }
        }
        let integerDigits = index - digitsStart
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard skipDigits() else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { return nil }
        }
        if integral && integerDigits <= 18 {
            let integer = negative ? -magnitude : magnitude
            return JSONNumber(double: Double(integer), integer: integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else { return nil }
        return JSONNumber(double: double, integer: integral ? Int(text) : nil)
    }

    /// One or more digits.
    private mutating func skipDigits() -> Bool {
        let start = index
        while index < bytes.count, Self.digit(bytes[index]) != nil { index += 1 }
        return index > start
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte &- UInt8(ascii: "0") < 10 ? Int(byte &- UInt8(ascii: "0")) : nil
    }
}
