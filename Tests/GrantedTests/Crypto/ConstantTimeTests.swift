import Granted
import Testing

extension CryptoTests {
    @Suite("ConstantTime")
    struct ConstantTimeTests {
        struct Comparison: Sendable, CustomTestStringConvertible {
            let a: [UInt8]
            let b: [UInt8]
            let equal: Bool
            let testDescription: String
        }

        static let secret = Array("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".utf8)  // RFC 7636 App. B verifier

        static func flipped(_ index: Int) -> [UInt8] {
            var bytes = secret
            bytes[index] ^= 0x20
            return bytes
        }

        static let comparisons: [Comparison] = [
            Comparison(a: [], b: [], equal: true, testDescription: "both empty"),
            Comparison(a: secret, b: secret, equal: true, testDescription: "equal"),
            Comparison(a: secret, b: flipped(0), equal: false, testDescription: "first byte differs"),
            Comparison(a: secret, b: flipped(21), equal: false, testDescription: "middle byte differs"),
            Comparison(a: secret, b: flipped(secret.count - 1), equal: false, testDescription: "last byte differs"),
            Comparison(a: secret, b: Array(secret.dropLast()), equal: false, testDescription: "b is a prefix of a"),
            Comparison(a: secret, b: secret + [0], equal: false, testDescription: "a is a prefix of b"),
            Comparison(a: [], b: [0], equal: false, testDescription: "empty against one zero byte"),
        ]

        @Test("equal only for the same bytes and length", arguments: comparisons)
        func equals(comparison: Comparison) {
            #expect(ConstantTime.equals(comparison.a, comparison.b) == comparison.equal)
            #expect(ConstantTime.equals(comparison.b, comparison.a) == comparison.equal)
            let raw = comparison.a.withUnsafeBytes { a in
                comparison.b.withUnsafeBytes { b in ConstantTime.equals(a, b) }
            }
            #expect(raw == comparison.equal)
        }

        @Test("mixed collection types compare by content")
        func mixedCollections() {
            let text = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            #expect(ConstantTime.equals(text.utf8, Self.secret))
            #expect(ConstantTime.equals(Self.secret[...], text.utf8))
            #expect(!ConstantTime.equals(text.utf8.dropFirst(), Self.secret.dropFirst(2)))
        }
    }
}
