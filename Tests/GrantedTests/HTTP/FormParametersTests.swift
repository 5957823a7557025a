import Testing

@testable import Granted
import GrantedTesting

@Suite("Form and query parameters (RFC 6749 Appendix B, §3.1, §3.2)")
struct FormParametersTests {
    private func parse(_ body: String, limits: InputLimits = InputLimits()) throws(OAuthError) -> FormParameters {
        try FormParameters(parsing: Array(body.utf8), limits: limits)
    }

    @Test(
        "values are percent-decoded, with + as a space (RFC 6749 Appendix B)",
        arguments: [
            ("a=b%20c", "b c"), ("a=b+c", "b c"), ("a=%2B", "+"), ("a=%2b%3d%26", "+=&"),
            ("a=%C3%A9t%C3%A9", "été"), ("a=%c3%a9", "é"), ("a=%F0%9F%94%91", "🔑"),
            ("a=plain", "plain"), ("a=x%3Dy", "x=y"), ("a=é", "é"), ("a=b=c", "b=c"),
        ])
    func decodesValues(body: String, expected: String) throws {
        #expect(try parse(body).single("a") == expected)
    }

    @Test("names are percent-decoded like values (RFC 6749 Appendix B)")
    func decodesNames() throws {
        let form = try parse("grant%5Ftype=x&client+id=y")
        #expect(try form.single("grant_type") == "x")
        #expect(try form.single("client id") == "y")
    }

    @Test(
        "a parameter without a value counts as omitted (RFC 6749 §3.1)",
        arguments: ["a=", "a", "a=&b=1", "b=1&a", "&&a=&&", "=x", "a=&a="])
    func emptyIsOmitted(body: String) throws {
        let form = try parse(body)
        #expect(try form.single("a") == nil)
        #expect(!form.contains("a"))
    }

    @Test("an empty repeat does not make a parameter repeated (RFC 6749 §3.1)")
    func emptyRepeatIsOmitted() throws {
        #expect(try parse("a=&a=1").single("a") == "1")
        #expect(try parse("a=1&a").single("a") == "1")
    }

    @Test(
        "a repeated parameter is refused when read (RFC 6749 §3.1, §3.2)",
        arguments: ["a=1&a=2", "a=1&a=1", "a=1&b=2&a=3", "a=1&%61=2"])
    func repeatedThrows(body: String) throws {
        let form = try parse(body)
        let error = #expect(throws: OAuthError.self) { try form.single("a") }
        #expect(error?.code == "invalid_request")
    }

    @Test("a repeat of another parameter does not affect reading this one (RFC 6749 §3.1)")
    func otherRepeatsIgnored() throws {
        let form = try parse("a=1&b=2&b=3")
        #expect(try form.single("a") == "1")
        #expect(form.all.map(\.name) == ["a", "b", "b"])
        #expect(form.all.map(\.value) == ["1", "2", "3"])
    }

    @Test("empty and separator-only bodies have no parameters (RFC 6749 Appendix B)", arguments: ["", "&", "&&&", "="])
    func emptyBodies(body: String) throws {
        #expect(try parse(body).all.isEmpty)
    }

    @Test("a body up to the byte limit is read and one byte more is refused", arguments: [10, 100, 16 * 1024])
    func byteLimit(maxBytes: Int) throws {
        let limits = InputLimits(maxBytes: maxBytes)
        let fits = "a=" + String(repeating: "x", count: maxBytes - 2)
        #expect(try parse(fits, limits: limits).single("a")?.count == maxBytes - 2)
        let error = #expect(throws: OAuthError.self) { try parse(fits + "x", limits: limits) }
        #expect(error?.code == "invalid_request")
    }

    @Test("the default limits are 16 KiB and 64 parameters")
    func defaultLimits() {
        #expect(InputLimits().maxBytes == 16 * 1024)
        #expect(InputLimits().maxParameters == 64)
    }

    @Test("a form up to the parameter limit is read and one more is refused", arguments: [1, 2, 64])
    func parameterLimit(maxParameters: Int) throws {
        let limits = InputLimits(maxParameters: maxParameters)
        let fits = (0..<maxParameters).map { "p\($0)=v" }.joined(separator: "&")
        #expect(try parse(fits, limits: limits).all.count == maxParameters)
        let error = #expect(throws: OAuthError.self) { try parse(fits + "&extra=v", limits: limits) }
        #expect(error?.code == "invalid_request")
    }

    @Test(
        "a malformed percent-escape is refused (RFC 3986 §2.1)",
        arguments: ["a=%", "a=%2", "a=x%", "a=%G0", "a=%0G", "a=%%", "a=%%41", "a%=1", "a=% 1", "a=%-1"])
    func malformedEscape(body: String) {
        let error = #expect(throws: OAuthError.self) { try parse(body) }
        #expect(error?.code == "invalid_request")
    }

    @Test(
        "percent-escapes that decode to bytes that are not UTF-8 are refused (RFC 6749 Appendix B)",
        arguments: ["a=%FF", "a=%C3", "a=%C0%AF", "a=%ED%A0%80", "a=%F8%88%80%80%80", "%FF=1", "a=x%80y"])
    func escapedNonUTF8(body: String) {
        let error = #expect(throws: OAuthError.self) { try parse(body) }
        #expect(error?.code == "invalid_request")
    }

    @Test(
        "raw bytes that are not UTF-8 are refused (RFC 6749 Appendix B)",
        arguments: [[0xFF], [0xC3], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] as [[UInt8]])
    func rawNonUTF8(bytes: [UInt8]) {
        let inValue = Array("a=".utf8) + bytes
        let inName = bytes + Array("=1".utf8)
        for body in [inValue, inName] {
            let error = #expect(throws: OAuthError.self) { try FormParameters(parsing: body) }
            #expect(error?.code == "invalid_request")
        }
    }

    @Test("a query string parses like a form body (RFC 6749 §3.1)")
    func query() throws {
        let form = try FormParameters(query: "response_type=code&client_id=s6B%2Bh&state=x+y&empty=")
        #expect(try form.single("response_type") == "code")
        #expect(try form.single("client_id") == "s6B+h")
        #expect(try form.single("state") == "x y")
        #expect(!form.contains("empty"))
    }

    @Test("an absent query has no parameters", arguments: [nil, ""] as [String?])
    func absentQuery(query: String?) throws {
        #expect(try FormParameters(query: query).all.isEmpty)
    }

    @Test("a query refuses repeats, bad escapes and oversize like a body (RFC 6749 §3.1)")
    func queryErrors() throws {
        let repeated = try FormParameters(query: "state=1&state=2")
        #expect(throws: OAuthError.self) { try repeated.single("state") }
        #expect(throws: OAuthError.self) { try FormParameters(query: "state=%ZZ") }
        #expect(throws: OAuthError.self) { try FormParameters(query: "a=%FF") }
        let limits = InputLimits(maxBytes: 8, maxParameters: 1)
        #expect(throws: OAuthError.self) { try FormParameters(query: "a=123456789", limits: limits) }
        #expect(throws: OAuthError.self) { try FormParameters(query: "a=1&b=2", limits: limits) }
    }

    @Test(
        "form-encoding then parsing gives the value back (RFC 6749 Appendix B)",
        arguments: ["plain", "a b", "a+b", "100%", "x=y&z", "é🔑", "~-._", "\"'<>", "line\nbreak"])
    func roundTrip(value: String) throws {
        let body = FormEncoding.encode([("value", value), ("skipped", nil)])
        let form = try parse(body)
        #expect(try form.single("value") == value)
        #expect(!form.contains("skipped"))
    }

    @Test("random text survives form-encoding and parsing, in any position of the form (seeded)", arguments: [1, 2, 3])
    func randomRoundTrip(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        // ASCII (escapes and not), Latin-1, BMP and astral scalars.
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x00...0x1F, 0xA0...0xFF, 0x3040...0x30FF, 0x1F300...0x1F5FF]
        for _ in 0..<300 {
            func text() -> String {
                var scalars = String.UnicodeScalarView()
                for _ in 0..<(1 + Int(generator.next() % 24)) {
                    let range = ranges[Int(generator.next() % UInt64(ranges.count))]
                    let value = range.lowerBound + UInt32(generator.next() % UInt64(range.count))
                    scalars.append(Unicode.Scalar(value) ?? "x")
                }
                return String(scalars)
            }
            let values = (0..<3).map { _ in text() }
            let form = try parse(FormEncoding.encode([("a", values[0]), ("b", values[1]), ("c", values[2])]))
            #expect(try form.single("a") == values[0])
            #expect(try form.single("b") == values[1])
            #expect(try form.single("c") == values[2])
        }
    }

    /// RFC 6749 Appendix B as plainly as it can be written: split at `&`, then at the first `=`,
    /// `+` to a space, `%XX` to its byte, the bytes as UTF-8; empty names and values omitted.
    private static func referenceParse(_ body: [UInt8]) -> [(String, String)]? {
        func decode(_ bytes: ArraySlice<UInt8>) -> String? {
            var out: [UInt8] = []
            var index = bytes.startIndex
            while index < bytes.endIndex {
                switch bytes[index] {
                case UInt8(ascii: "+"): out.append(0x20); index += 1
                case UInt8(ascii: "%"):
                    guard index + 2 < bytes.endIndex,
                        let byte = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                    else { return nil }
                    out.append(byte); index += 3
                default: out.append(bytes[index]); index += 1
                }
            }
            return String(validating: out, as: UTF8.self)
        }
        var pairs: [(String, String)] = []
        for piece in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
            guard let name = decode(piece[..<equals]) else { return nil }
            guard let value = equals < piece.endIndex ? decode(piece[(equals + 1)...]) : "" else { return nil }
            if !name.isEmpty && !value.isEmpty { pairs.append((name, value)) }
        }
        return pairs
    }

    @Test("any bytes parse as the plain reading of Appendix B does, or are refused where it fails (seeded)", arguments: [11, 12, 13, 14])
    func matchesReference(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        // Separators, escapes (good and bad), hex digits, ASCII, UTF-8 lead and continuation
        // bytes, and runs long enough for the vectorized scans.
        let alphabet: [UInt8] = Array("&&==%%++aZ09fF ~".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x80, 0xFF, 0x00]
        for _ in 0..<2_000 {
            var body: [UInt8] = []
            for _ in 0..<Int(generator.next() % 90) {
                if generator.next() % 8 == 0 {
                    body += Array(repeating: UInt8(ascii: "x"), count: Int(generator.next() % 40))
                } else {
                    body.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
            }
            let expected = Self.referenceParse(body)
            let parsed = try? FormParameters(parsing: body, limits: InputLimits(maxBytes: 1_000, maxParameters: 1_000))
            #expect(parsed?.all.map { "\($0.name)=\($0.value)" } == expected?.map { "\($0.0)=\($0.1)" }, "\(body)")
        }
    }
}
