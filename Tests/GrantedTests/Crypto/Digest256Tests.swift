@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("Digest256")
    struct SHA256DigestTests {
        @Test("bytes round-trip and hex prints them", arguments: 0..<50 as Range<UInt64>)
        func bytesRoundTrip(seed: UInt64) throws {
            var random = SplitMix64(state: seed)
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            let digest = try #require(Digest256(bytes: bytes))
            #expect(digest.bytes == bytes)
            #expect(digest.hex == bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined())
            #expect(Digest256(bytes: bytes[...]) == digest)
            #expect(Digest256(bytes: digest.bytes) == digest)
        }

        @Test("words hold the bytes big-endian")
        func wordLayout() throws {
            let digest = try #require(Digest256(bytes: Array(0..<32)))
            #expect(digest.w0 == 0x0001_0203_0405_0607)
            #expect(digest.w1 == 0x0809_0a0b_0c0d_0e0f)
            #expect(digest.w2 == 0x1011_1213_1415_1617)
            #expect(digest.w3 == 0x1819_1a1b_1c1d_1e1f)
            #expect(digest.hex == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
            #expect(SHA256.hash("abc").w0 == 0xba78_16bf_8f01_cfea)
        }

        @Test("any length but 32 is refused", arguments: [0, 1, 16, 31, 33, 64])
        func wrongLength(count: Int) {
            #expect(Digest256(bytes: [UInt8](repeating: 0xAB, count: count)) == nil)
        }

        @Test("constant-time equality agrees with ==, whichever word differs", arguments: 0..<32)
        func constantTimeEquality(differingByte: Int) throws {
            let bytes = SHA256.hash("token").bytes
            var changed = bytes
            changed[differingByte] ^= 0x01
            let digest = try #require(Digest256(bytes: bytes))
            let other = try #require(Digest256(bytes: changed))
            #expect(digest.constantTimeEquals(digest))
            #expect(!digest.constantTimeEquals(other))
            #expect(digest != other)
        }

        @Test("digests work as dictionary keys")
        func dictionaryKey() {
            let tokens = (0..<1000).map { "token-\($0)" }
            let byDigest = Dictionary(uniqueKeysWithValues: tokens.map { (SHA256.hash($0) as Digest256, $0) })
            #expect(byDigest.count == tokens.count)
            #expect(byDigest[SHA256.hash("token-500")] == "token-500")
            #expect(byDigest[SHA256.hash("token-1000")] == nil)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
