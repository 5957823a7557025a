import Foundation
import Granted
import GrantedTesting
@testable import GrantedFuzzChecks
import Testing

extension CryptoTests {
    @Suite("Base64url (RFC 4648 §5, RFC 7515 §2)")
    struct Base64URLTests {
        @Test("vectors encode and decode", arguments: try CryptoVectors.base64URL())
        func vectors(vector: CryptoVectors.Base64URLVector) throws {
            let bytes = try CryptoVectors.bytes(hex: vector.hex)
            #expect(Base64URL.encode(bytes) == vector.encoded)
            #expect(Base64URL.decode(vector.encoded) == bytes)
            #expect(Base64URL.decode(Substring(vector.encoded)) == bytes)
            #expect(Array(vector.encoded.utf8).withUnsafeBytes { Base64URL.decode($0) } == bytes)

            var output = Array("prefix.".utf8)
            bytes.withUnsafeBytes { Base64URL.encode($0, appendingTo: &output) }
            #expect(output == Array("prefix.\(vector.encoded)".utf8))
        }

        @Test("strict decoding refuses", arguments: try CryptoVectors.base64URLRejections())
        func rejected(rejection: CryptoVectors.Base64URLRejection) {
            #expect(Base64URL.decode(rejection.text) == nil)
            #expect(Array(rejection.text.utf8).withUnsafeBytes { Base64URL.decode($0) } == nil)
        }

        @Test("random bytes of every length round-trip", arguments: 0...100)
        func roundTrip(length: Int) {
            var random = SplitMix64(state: UInt64(length))
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded.utf8.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(encoded) == bytes)
            // Cross-check against Foundation's base64 with the alphabet swapped and padding dropped.
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
        }

        @Test("whatever decodes has exactly one encoding", arguments: 0..<100 as Range<UInt64>)
        func canonical(seed: UInt64) {
            var random = SplitMix64(state: seed)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            for _ in 0..<50 {
                let length = Int.random(in: 0...12, using: &random)
                let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<64, using: &random)] }
                let text = String(decoding: characters, as: UTF8.self)
                if let bytes = Base64URL.decode(text) {
                    #expect(Base64URL.encode(bytes) == text)
                } else {
                    // Only two reasons remain for alphabet-only text: a length of 4n+1, or unused bits set.
                    let remainder = text.utf8.count % 4
                    let lastValue = text.utf8.last.flatMap { alphabet.firstIndex(of: $0) } ?? 0
                    let unusedBits = remainder == 2 ? 0x0F : remainder == 3 ? 0x03 : 0
                    #expect(remainder == 1 || lastValue & unusedBits != 0)
                }
            }
        }
    
        /// RFC 4648 §5 read a character at a time (the `base64` fuzz target's reading): no padding,
        /// only the url-safe alphabet, no 4n+1 length, unused trailing bits zero.
        private static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
            Base64Checks.plainDecode(text, padded: false)
        }

        @Test("long texts, valid or with a stray byte anywhere, decode as the plain reading does (seeded)", arguments: [7, 8, 9] as [UInt64])
        func matchesReference(seed: UInt64) {
            var random = SplitMix64(state: seed)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            // Each neighbour of a range of the alphabet, padding, the standard alphabet's + and /, and non-ASCII.
            let strays: [UInt8] = Array("@[`{/:=+ .".utf8) + [0x00, 0x2C, 0x7F, 0x80, 0xC3, 0xFF]
            for _ in 0..<600 {
                let length = Int.random(in: 0...200, using: &random)
                var text = (0..<length).map { _ in alphabet[Int.random(in: 0..<64, using: &random)] }
                if length > 0, Bool.random(using: &random) {
                    text[Int.random(in: 0..<length, using: &random)] = strays[Int.random(in: 0..<strays.count, using: &random)]
                }
                let expected = Self.referenceDecode(text)
                #expect(text.withUnsafeBytes { Base64URL.decode($0) } == expected, "\(String(decoding: text, as: UTF8.self))")
                #expect(Base64URL.decode(String(decoding: text, as: UTF8.self)) == expected)
            }
        }

        /// Eight characters are decoded at once, one per byte lane: each of the 256 byte values
        /// in each lane of a whole group, of the half group after it, and of a final partial
        /// group must be read as the plain reading reads it, alone among valid neighbours.
        @Test("every byte value in every position of a group decodes as the plain reading does", arguments: [8, 12, 14, 15, 16])
        func everyByteInEveryLane(length: Int) {
            let base = Array("QUJDREVGR0hJSktMTU5PUFFS".utf8.prefix(length))
            for position in 0..<length {
                for value in 0...255 {
                    var text = base
                    text[position] = UInt8(value)
                    let expected = Self.referenceDecode(text)
                    #expect(text.withUnsafeBytes { Base64URL.decode($0) } == expected, "byte \(value) at \(position) of \(length)")
                }
            }
        }
}
}
