import Foundation
@testable import Granted
@testable import GrantedFuzzChecks
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("Strict JSON reader of the verify side (RFC 8259)")
    struct JSONReaderTests {
        /// JSONTestSuite-style "y_" cases: RFC 8259 documents the reader accepts, and
        /// `JSONSerialization` reads to the same values.
        static let accepted = [
            #"{}"#, #"{"a":1}"#, #" {"a":1} "#, "\t\n\r {\"a\"\t:\n1\r}\n", #"{"":0}"#,
            #"{"a":[]}"#, #"{"a":{}}"#, #"{"a":[1,2,3]}"#, #"{"a":[{"b":[{"c":null}]}]}"#,
            #"{"t":true,"f":false,"n":null}"#, #"{"a":"b","c":"d"}"#, #"{"a":1,"a":2}"#,
            #"{"a":0}"#, #"{"a":-0}"#, #"{"a":-0.0}"#, #"{"a":1e3}"#, #"{"a":1E-2}"#, #"{"a":1e+2}"#,
            #"{"a":1.5e300}"#, #"{"a":123456789012345678901234567890}"#, #"{"a":1.0}"#, #"{"a":1e-400}"#,
            #"{"a":9223372036854775807}"#, #"{"a":-9223372036854775808}"#, #"{"a":18446744073709551616}"#,
            #"{"a":"\"\\\/\b\f\n\r\t"}"#, #"{"a":"\u0041\u00e9\u20AC"}"#, #"{"a":"\uD83D\uDE00"}"#,
            #"{"a":"\ud83d\ude00"}"#, #"{"a":"\uDBFF\uDFFF"}"#, #"{"a":"\u0000"}"#, #"{"é€😀":"é€😀"}"#,
            "{\"a\":\"\u{7F}\u{2028}\u{2029}\"}", #"{"\u0061":1,"a":2}"#, #"{"a":"/"}"#,
        ]

        /// JSONTestSuite-style "n_" cases `JSONSerialization` refuses too.
        static let refusedByBoth = [
            "", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1 \"b\":2}",
            "{\"a\":[1 2]}", "{\"a\":01}", "{\"a\":-01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}",
            "{\"a\":1e+}", "{\"a\":-}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e400}",
            "{\"a\":-1e400}", "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
            "{\"a\":\"\\uD800\"}", "{\"a\":\"\\uDC00\"}", "{\"a\":\"\\uD800\\u0041\"}", "{\"a\":\"\\uD800\\uD800\"}",
            "{\"a\":\"\u{1}\"}", "{\"a\":\"\n\"}", "{\"a\":\"\t\"}", "{\"a\":\"unterminated}", "{}x", "{}}", "{} {}",
            "// c\n{}", "/* c */{}", "{}//", "\u{C}{}", "{}\u{C}", "\u{A0}{}", "[1]", "\"a\"", "1", "null",
            "{\"a\":1]", "{\"a\":[1}", "{\"a\":\"\\", "{\"a\":\"\\u",
        ]

        /// Bytes that are not UTF-8, or hold a NUL, refused as before.
        static let refusedBytes: [[UInt8]] = [
            Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // an encoded surrogate
            Array(#"{"a":""#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8),  // truncated
            Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),  // overlong
            Array(#"{"a":""#.utf8) + [0x00] + Array(#""}"#.utf8),
            Array(#"{"a":1}"#.utf8) + [0x00],
            [0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8),
        ]

        /// Where `JSONSerialization` is laxer than RFC 8259 and the reader is not.
        static let refusedByReaderOnly = [
            #"{"a":[1,]}"#, #"{"a":1,}"#, #"{"a":{"b":1,}}"#, "\u{FEFF}{\"a\":1}",
        ]

        @Test("RFC 8259 documents are read as JSONSerialization reads them", arguments: accepted)
        func accepts(_ json: String) throws {
            let bytes = Array(json.utf8)
            let object = try #require(JSONReader.object(bytes), "\(json)")
            let foundation = try #require(JSONChecks.foundationObject(bytes))
            let value = try #require(JSONReader.value(bytes))
            #expect(JSONChecks.same(value, foundation), "\(json)")
            #expect(object.members.count >= foundation.count)
            try JSONChecks.check(bytes)
        }

        @Test("what RFC 8259 does not allow is refused, as JSONSerialization refuses it", arguments: refusedByBoth)
        func refuses(_ json: String) {
            let bytes = Array(json.utf8)
            #expect(JSONReader.object(bytes) == nil, "\(json)")
            #expect(JSONChecks.foundationObject(bytes) == nil, "\(json)")
        }

        @Test("input that is not UTF-8, or holds a NUL byte or a byte order mark, is refused", arguments: refusedBytes)
        func refusesBytes(_ bytes: [UInt8]) {
            #expect(JSONReader.object(bytes) == nil)
            #expect(JSONReader.value(bytes) == nil)
        }

        @Test("trailing commas and a byte order mark are refused where JSONSerialization takes them", arguments: refusedByReaderOnly)
        func stricterThanFoundation(_ json: String) {
            let bytes = Array(json.utf8)
            #expect(JSONReader.object(bytes) == nil)
            #expect(JSONChecks.foundationObject(bytes) != nil)
            #expect(JSONChecks.toleratedOnlyByFoundation(bytes))
        }

        @Test("numbers: a finite double, and an integer only for integer text that fits", arguments: [
            ("0", 0, 0), ("-0", 0, 0), ("1", 1, 1), ("-1", -1, -1), ("1.0", 1, nil), ("1e3", 1000, nil),
            ("1E-2", 0.01, nil), ("-1.5e+10", -1.5e10, nil), ("0.1", 0.1, nil), ("1e-400", 0, nil),
            ("123456789012345678901234567890", 1.2345678901234568e29, nil),
            ("999999999999999999", 1e18, 999_999_999_999_999_999),
            ("9223372036854775807", 9.223372036854775807e18, Int.max), ("-9223372036854775808", -9.223372036854775808e18, Int.min),
            ("9223372036854775808", 9.223372036854775808e18, nil), ("1.7976931348623157e308", .greatestFiniteMagnitude, nil),
        ] as [(String, Double, Int?)])
        func numbers(text: String, double: Double, integer: Int?) throws {
            let value = try #require(JSONReader.value(Array(text.utf8)))
            #expect(value.number == JSONNumber(double: double, integer: integer))
            #expect(value.range == 0..<text.utf8.count)
        }

        @Test("escapes and surrogate pairs decode to their scalars (RFC 8259 §7)", arguments: [
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"), (#""\u0041\u00E9\u20ac""#, "Aé€"),
            (#""\uD83D\uDE00""#, "😀"), (#""\uDBFF\uDFFF""#, "\u{10FFFF}"), (#""\uD800\uDC00""#, "\u{10000}"),
            (#""a\u0000b""#, "a\u{0}b"), ("\"x\ny\"", nil), (#""\uD83D""#, nil), (#""\uDE00\uD83D""#, nil),
            (#""\uD83Dx""#, nil), (#""\uD83D\n""#, nil), (#""\uD83D\u0041""#, nil), (#""\u00G0""#, nil),
            (#""é€😀""#, "é€😀"), (#""plain""#, "plain"), (#""""#, ""),
            // Kept as sent, where JSONSerialization drops a U+FEFF that starts a run of text.
            ("\"\u{FEFF}x\"", "\u{FEFF}x"), ("\"\\n\u{FEFF}x\"", "\n\u{FEFF}x"),
        ] as [(String, String?)])
        func strings(json: String, expected: String?) {
            #expect(JSONReader.value(Array(json.utf8))?.string == expected, "\(json)")
        }

        /// Nested arrays in the top-level object, so `depth` containers in all.
        static func nested(_ depth: Int) -> [UInt8] {
            Array(("{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}").utf8)
        }

        @Test("nesting is bounded: maximumDepth containers read, one more is refused")
        func depth() {
            #expect(JSONReader.maximumDepth == 32)
            #expect(JSONReader.object(Self.nested(32)) != nil)
            #expect(JSONReader.object(Self.nested(33)) == nil)
            #expect(JSONChecks.foundationObject(Self.nested(33)) != nil)
            #expect(JSONChecks.toleratedOnlyByFoundation(Self.nested(33)))
            let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
            #expect(JSONReader.value(deep) == nil)
        }

        @Test("a repeated name answers its last value (RFC 7515 §4; RFC 7519 §4), as JSONSerialization did")
        func repeatedNames() throws {
            let object = try #require(JSONReader.object(Array(#"{"a":1,"b":true,"a":"x","a":"y"}"#.utf8)))
            #expect(object.members.count == 4)
            #expect(object["a"]?.string == "y")
            // A claims set keeps one extra claim per name, the last, sorted by name.
            let claims = try #require(JWTClaims(object: object))
            #expect(claims.extraClaims.map(\.name) == ["a", "b"])
            #expect(claims.extraClaims.first?.stringValue == "y")
            #expect(object["c"] == nil)
        }

        @Test("each value keeps its exact source bytes")
        func sourceBytes() throws {
            let json = #"{ "a" : { "b" : [ 1 , "\u0041" ] } , "c":1.50 }"#
            let object = try #require(JSONReader.object(Array(json.utf8)))
            let a = try #require(object["a"])
            #expect(String(decoding: object.bytes(of: a), as: UTF8.self) == #"{ "b" : [ 1 , "\u0041" ] }"#)
            #expect(String(decoding: object.bytes(of: try #require(object["c"])), as: UTF8.self) == "1.50")
            let inner = try #require(object.object("a")?["b"]?.array)
            #expect(inner.map { String(decoding: object.bytes(of: $0), as: UTF8.self) } == ["1", #""\u0041""#])
        }

        // MARK: Claims read through the reader

        @Test("extra claims that are not strings, booleans, integers or string arrays keep the JSON they were sent as")
        func extraClaimsAsSent() throws {
            let json = #"{"sub":"u","o":{ "b" : 1, "a":[true,null] },"f":1.50,"e":1e3,"z":null,"m":[1,"a"],"s":"a\/b","i":-0,"x":1,"x":2,"l":["p","q"],"t":true}"#
            let claims = try #require(JWTClaims(json: Array(json.utf8)))
            let extras = Dictionary(uniqueKeysWithValues: claims.extraClaims.map { ($0.name, String(decoding: $0.json, as: UTF8.self)) })
            #expect(claims.extraClaims.map(\.name) == ["e", "f", "i", "l", "m", "o", "s", "t", "x", "z"])
            #expect(extras["o"] == #"{ "b" : 1, "a":[true,null] }"#)
            #expect(extras["f"] == "1.50")
            #expect(extras["e"] == "1e3")
            #expect(extras["z"] == "null")
            #expect(extras["m"] == #"[1,"a"]"#)
            #expect(extras["s"] == #""a/b""#)
            #expect(extras["i"] == "0")
            #expect(extras["x"] == "2")
            #expect(extras["l"] == #"["p","q"]"#)
            #expect(extras["t"] == "true")
            #expect(claims.extraClaims.first { $0.name == "s" }?.stringValue == "a/b")
            #expect(claims.extraClaims.first { $0.name == "x" }?.integerValue == 2)
        }

        @Test("typed claims keep their types, the last of a repeated name counts", arguments: [
            (#"{"iss":"a","iss":"b"}"#, true), (#"{"iss":null}"#, false), (#"{"exp":true}"#, false), (#"{"exp":"1"}"#, false),
            (#"{"exp":1e308}"#, true), (#"{"aud":[]}"#, true), (#"{"aud":["a",1]}"#, false), (#"{"aud":{}}"#, false),
            (#"{"exp":1,"exp":"x"}"#, false), (#"{"exp":"x","exp":1}"#, true),
        ] as [(String, Bool)])
        func typedClaims(json: String, parses: Bool) {
            let claims = JWTClaims(json: Array(json.utf8))
            #expect((claims != nil) == parses, "\(json)")
            if json.hasPrefix(#"{"iss":"a""#) { #expect(claims?.issuer == "b") }
        }

        // MARK: Differential property tests

        /// Random well-formed JSON text: white space, escapes, surrogate pairs, numbers of every
        /// shape, repeated and canonically equivalent names.
        struct Documents {
            var random: SplitMix64

            mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
            mutating func chance(_ oneIn: UInt64) -> Bool { random.next() % oneIn == 0 }

            mutating func space() -> String {
                chance(3) ? String((0..<Int(random.next() % 3)).map { _ in pick([" ", "\t", "\n", "\r"] as [Character]) }) : ""
            }

            mutating func string() -> String {
                var text = "\""
                for _ in 0..<Int(random.next() % 8) {
                    text += pick([
                        "a", "Z", "0", " ", "é", "€", "😀", "e\u{301}", "\u{7F}", "\u{2028}", "\\\"", "\\\\", "\\/", "\\b", "\\f",
                        "\\n", "\\r", "\\t", "\\u0000", "\\u001f", "\\u00e9", "\\u20AC", "\\uD83D\\uDE00", "\\udbff\\udfff", "\\uFFFF",
                    ])
                }
                return text + "\""
            }

            mutating func name() -> String {
                chance(2) ? pick([#""a""#, #""b""#, #""iss""#, #""exp""#, #""é""#, #""e\u0301""#, #""\u0061""#, #""""#]) : string()
            }

            mutating func number() -> String {
                var text = chance(3) ? "-" : ""
                text += chance(4) ? "0" : String(1 + random.next() % 9) + digits(Int(random.next() % 25))
                if chance(3) { text += "." + String(random.next() % 10) + digits(Int(random.next() % 20)) }
                if chance(4) { text += pick(["e", "E"]) + pick(["", "+", "-"]) + String(random.next() % 280) }
                return text
            }

            mutating func digits(_ count: Int) -> String {
                String((0..<count).map { _ in Character(String(random.next() % 10)) })
            }

            mutating func value(_ depth: Int) -> String {
                switch random.next() % (depth >= 6 ? 5 : 7) {
                case 0: return string()
                case 1: return number()
                case 2: return pick(["true", "false", "null"])
                case 3: return number()
                case 4: return string()
                case 5: return object(depth + 1)
                default:
                    let elements = (0..<Int(random.next() % 4)).map { _ in space() + value(depth + 1) + space() }
                    return "[" + (elements.isEmpty ? space() : elements.joined(separator: ",")) + "]"
                }
            }

            mutating func object(_ depth: Int) -> String {
                let members = (0..<Int(random.next() % 6)).map { _ in space() + name() + space() + ":" + space() + value(depth) + space() }
                return "{" + (members.isEmpty ? space() : members.joined(separator: ",")) + "}"
            }

            mutating func document() -> [UInt8] { Array((space() + object(1) + space()).utf8) }

            /// A document with a few bytes deleted, inserted, replaced or repeated.
            mutating func mutant() -> [UInt8] {
                var bytes = document()
                let alphabet: [[UInt8]] = [
                    [0x7B], [0x7D], [0x5B], [0x5D], [0x22], [0x3A], [0x2C], [0x5C], [0x2D], [0x2B], [0x2E], [0x65], [0x45],
                    [0x30], [0x31], [0x74], [0x66], [0x6E], [0x75], [0x20], [0x09], [0x0A], [0x0C], [0x00], [0x01], [0x1F], [0x7F],
                    [0xC3, 0xA9], [0xC3], [0xA9], [0xFF], [0xEF, 0xBB, 0xBF], [0xED, 0xA0, 0x80], [0x2F], [0x2F, 0x2A],
                    Array("\\uD800".utf8), Array("\\uDC00".utf8), Array("NaN".utf8), Array(",]".utf8), Array(",}".utf8),
                ]
                for _ in 0...Int(random.next() % 3) {
                    let at = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 4 {
                    case 0: if !bytes.isEmpty { bytes.remove(at: at) }
                    case 1: bytes.insert(contentsOf: pick(alphabet), at: at)
                    case 2: if !bytes.isEmpty { bytes.replaceSubrange(at...at, with: pick(alphabet)) }
                    default:
                        let end = min(bytes.count, at + Int(random.next() % 8))
                        bytes.insert(contentsOf: bytes[at..<end], at: at)
                    }
                }
                return bytes
            }
        }

        @Test("property: random documents read as JSONSerialization reads them", arguments: [1, 2, 3, 4, 0xBAD_5EED] as [UInt64])
        func differentialDocuments(seed: UInt64) throws {
            var documents = Documents(random: SplitMix64(seed: seed))
            for _ in 0..<1_500 {
                let bytes = documents.document()
                let value = try #require(JSONReader.value(bytes), "\(String(decoding: bytes, as: UTF8.self))")
                let foundation = try #require(JSONChecks.foundationObject(bytes), "\(String(decoding: bytes, as: UTF8.self))")
                #expect(JSONChecks.same(value, foundation), "\(String(decoding: bytes, as: UTF8.self))")
                try JSONChecks.check(bytes)
            }
        }

        @Test("property: mangled documents are refused unless JSONSerialization reads them the same", arguments: [1, 2, 3, 4, 0xBAD_5EED] as [UInt64])
        func differentialMutants(seed: UInt64) throws {
            var documents = Documents(random: SplitMix64(seed: seed))
            var (accepted, refused, laxer) = (0, 0, 0)
            for _ in 0..<3_000 {
                let bytes = documents.mutant()
                let object = JSONReader.object(bytes)
                let foundation = JSONChecks.foundationObject(bytes)
                let text = String(decoding: bytes, as: UTF8.self).debugDescription
                if let object, let value = JSONReader.value(bytes) {
                    accepted += 1
                    let foundation = try #require(foundation, "accepted, JSONSerialization refuses: \(text)")
                    #expect(JSONChecks.same(value, foundation), "\(text)")
                    #expect(object.members.count >= foundation.count)
                } else if foundation != nil {
                    laxer += 1
                    #expect(JSONChecks.toleratedOnlyByFoundation(bytes), "refused for no documented reason: \(text)")
                } else {
                    refused += 1
                }
                do { try JSONChecks.check(bytes) } catch { Issue.record("\(error)") }
            }
            #expect(accepted > 100 && refused > 1_000, "\(accepted) accepted, \(refused) refused, \(laxer) laxer")
        }
    }
}
