import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The strict JSON reader of the verify side (RFC 8259): never traps; whatever it accepts,
/// `JSONSerialization` (as the verify side used it: UTF-8 without NUL bytes, an object on top)
/// accepts too with the same strings, numbers, booleans, nulls and structure; each value's own
/// bytes re-read to that value; what it writes back re-reads to the same value. Whatever
/// `JSONSerialization` accepts and the reader refuses is one of the reader's deliberate
/// strictnesses: trailing commas, a byte order mark, nesting deeper than `maximumDepth`.
enum JSONChecks {
    static func check(_ bytes: [UInt8]) throws {
        let value = JSONReader.value(bytes)
        let object = JSONReader.object(bytes)
        let foundation = foundationObject(bytes)
        if let object {
            guard let value, case .object = value.kind else { throw FuzzFailure("object() accepted what value() did not") }
            guard let foundation else { throw FuzzFailure("accepted, JSONSerialization refuses: \(preview(bytes))") }
            try require(same(value, foundation), "reads differently from JSONSerialization: \(preview(bytes))")
            try require(object.members.count == members(value)?.count, "object() and value() disagree")
        } else if foundation != nil {
            try require(
                toleratedOnlyByFoundation(bytes),
                "JSONSerialization accepts, refused for no documented reason: \(preview(bytes))")
        }
        guard let value else { return }
        try requireSourceRanges(value, in: bytes)
        let written = write(value)
        guard let again = JSONReader.value(written) else {
            throw FuzzFailure("what was written does not re-read: \(preview(written))")
        }
        try require(equal(again, value), "what was written re-reads differently: \(preview(bytes))")
    }

    /// What the verify side read before: `JSONSerialization` on UTF-8 without NUL bytes, an object.
    static func foundationObject(_ bytes: [UInt8]) -> [String: Any]? {
        guard !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Whether `value` is what `JSONSerialization` made of the same text. Members compare by
    /// their last value per name, as a dictionary keeps them; a number `JSONSerialization`
    /// keeps as a decimal is compared to within its double rounding.
    static func same(_ value: JSONValue, _ foundation: Any) -> Bool {
        switch value.kind {
        case .object(let members):
            guard let object = foundation as? [String: Any] else { return false }
            var dictionary: [String: Any] = [:]
            for (name, value) in object { dictionary[withoutByteOrderMarks(name)] = value }
            var last: [String: JSONValue] = [:]
            for member in members { last[withoutByteOrderMarks(member.name)] = member.value }
            guard last.count == dictionary.count else { return false }
            return last.allSatisfy { name, value in dictionary[name].map { same(value, $0) } ?? false }
        case .array(let elements):
            guard let array = foundation as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case .string(let text):
            guard let other = foundation as? String else { return false }
            return other == text || withoutByteOrderMarks(other) == withoutByteOrderMarks(text)
        case .number(let number):
            guard let other = foundation as? NSNumber, String(cString: other.objCType) != "c" else { return false }
            if other is NSDecimalNumber {
                return abs(number.double - other.doubleValue) <= abs(number.double) * 1e-14
            }
            if let integer = number.integer, String(cString: other.objCType) != "d", other.int64Value != Int64(integer) {
                return false
            }
            return number.double == other.doubleValue
        case .bool(let bool):
            guard let other = foundation as? NSNumber, String(cString: other.objCType) == "c" else { return false }
            return other.boolValue == bool
        case .null:
            return foundation is NSNull
        }
    }

    /// JSONSerialization drops a U+FEFF that starts a run of unescaped text in a string (it
    /// decodes each run as a document of its own), where the reader keeps the text as sent.
    static func withoutByteOrderMarks(_ text: String) -> String {
        text.contains("\u{FEFF}") ? String(text.unicodeScalars.filter { $0 != "\u{FEFF}" }.map(Character.init)) : text
    }

    /// Structural equality, ignoring where the values lie in their input.
    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left.kind, right.kind) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && equal($0.value, $1.value) }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// Compact JSON for `value`: strings through `JSONWriter`, numbers as their integer or the
    /// shortest text of their double.
    static func write(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value.kind {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.name, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text): JSONWriter.appendString(text, to: &out)
        case .number(let number): out += Array((number.integer.map(String.init) ?? "\(number.double)").utf8)
        case .bool(let bool): out += Array((bool ? "true" : "false").utf8)
        case .null: out += Array("null".utf8)
        }
    }

    /// Every value's own bytes re-read, alone, to that same value.
    private static func requireSourceRanges(_ value: JSONValue, in bytes: [UInt8]) throws {
        guard let again = JSONReader.value(Array(bytes[value.range])), equal(again, value) else {
            throw FuzzFailure("a value's bytes \(value.range) do not re-read to it: \(preview(bytes))")
        }
        switch value.kind {
        case .object(let members): for member in members { try requireSourceRanges(member.value, in: bytes) }
        case .array(let elements): for element in elements { try requireSourceRanges(element, in: bytes) }
        default: break
        }
    }

    private static func members(_ value: JSONValue) -> [JSONMember]? {
        guard case .object(let members) = value.kind else { return nil }
        return members
    }

    /// Whether `bytes` only parse for `JSONSerialization` through what the reader refuses on
    /// purpose: nesting deeper than `JSONReader.maximumDepth`, or with the byte order mark and
    /// trailing commas taken out, and numbers beyond a `Double` made 0, the reader accepts.
    /// (`JSONSerialization` converts a number only if its member is not overwritten by a repeated
    /// name, so `{"a":1e400,"a":1}` passes there.)
    static func toleratedOnlyByFoundation(_ bytes: [UInt8]) -> Bool {
        var relaxed: [UInt8] = []
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var inString = false
        var depth = 0
        var deepest = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    relaxed.append(byte)
                    index += 1
                    if index < bytes.count { relaxed.append(bytes[index]) }
                } else {
                    if byte == UInt8(ascii: "\"") { inString = false }
                    relaxed.append(byte)
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index
                while end < bytes.count, Array("+-.eE0123456789".utf8).contains(bytes[end]) { end += 1 }
                let token = Array(bytes[index..<end])
                let double = Double(String(decoding: token, as: UTF8.self))
                relaxed += double.map { $0.isFinite } == false ? [UInt8(ascii: "0")] : token
                index = end
                continue
            case UInt8(ascii: ","):
                var next = index + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "]") || bytes[next] == UInt8(ascii: "}") {
                    index += 1
                    continue
                }
            default: break
            }
            relaxed.append(byte)
            index += 1
        }
        return deepest > JSONReader.maximumDepth || (relaxed != bytes && JSONReader.object(relaxed) != nil)
    }

    private static func preview(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription
    }
}
