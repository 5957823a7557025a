import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted
import GrantedTesting

@Suite("JSON writer (RFC 8259)")
struct JSONWriterTests {
    private func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test(
        "strings are escaped so a JSON parser reads them back exactly (RFC 8259 §7)",
        arguments: [
            "", "plain", "say \"hi\"", "back\\slash", "\\\"", "line\nfeed", "carriage\rreturn", "tab\there",
            "nul\u{0}byte", "bell\u{7}", "escape\u{1B}", "unit\u{1F}sep", "del\u{7F}", "é", "日本語", "🔑",
            "\u{2028}\u{2029}", "</script>", "{\"nested\":[1]}",
        ])
    func escapesStrings(value: String) throws {
        var writer = JSONWriter()
        writer.field("value", value)
        let bytes = writer.finish()
        #expect(try decode(bytes)["value"] as? String == value)
        // RFC 8259 §7: no control character may appear unescaped.
        #expect(!bytes.contains { $0 < 0x20 })
    }

    @Test("control characters other than \\n, \\r and \\t are written as \\u00XX (RFC 8259 §7)")
    func controlEscapes() {
        var bytes: [UInt8] = []
        JSONWriter.appendString("\u{0}\u{1F}\n\r\t", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""\u0000\u001f\n\r\t""#)
    }

    @Test("each kind of field decodes to its value (RFC 8259 §4)")
    func fieldKinds() throws {
        var nested = JSONWriter()
        nested.field("inner", 1)
        var writer = JSONWriter(capacity: 8)
        writer.field("text", "value")
        writer.field("absentText", nil as String?)
        writer.field("number", 1_209_600)
        writer.field("negative", -3)
        writer.field("absentNumber", nil as Int?)
        writer.field("yes", true)
        writer.field("no", false)
        writer.field("list", ["a", "b\"c"])
        writer.field("empty", [String]())
        writer.field("object", rawJSON: nested.finish())
        writer.field(named: "dynamic \"name\"", rawJSON: Array("null".utf8))
        let object = try decode(writer.finish())
        #expect(object["text"] as? String == "value")
        #expect(object["number"] as? Int == 1_209_600)
        #expect(object["negative"] as? Int == -3)
        #expect(object["yes"] as? Bool == true)
        #expect(object["no"] as? Bool == false)
        #expect(object["list"] as? [String] == ["a", "b\"c"])
        #expect((object["empty"] as? [String])?.isEmpty == true)
        #expect((object["object"] as? [String: Any])?["inner"] as? Int == 1)
        #expect(object["dynamic \"name\""] is NSNull)
        #expect(object["absentText"] == nil)
        #expect(object["absentNumber"] == nil)
        #expect(object.count == 9)
    }

    @Test("a writer with no fields writes an empty object")
    func emptyObject() {
        var writer = JSONWriter()
        #expect(writer.finish() == Array("{}".utf8))
    }

    @Test(
        "integers are written in decimal exactly as Swift prints them (RFC 8259 §6)",
        arguments: [0, 1, 9, 10, -1, -10, 59, 1_209_600, 1_000_000_007, Int.max, Int.min, Int.min + 1])
    func integers(value: Int) {
        var bytes: [UInt8] = []
        JSONWriter.appendInteger(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }

    @Test("integers drawn at random are written as Swift prints them (seeded)")
    func randomIntegers() {
        var generator = SplitMix64(seed: 0x6A73_6F6E)
        for _ in 0..<2_000 {
            let value = Int(truncatingIfNeeded: generator.next()) >> Int(generator.next() % 64)
            var bytes: [UInt8] = []
            JSONWriter.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }
}
