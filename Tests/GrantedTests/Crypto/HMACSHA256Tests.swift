@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("HMAC-SHA256 (RFC 2104, RFC 4231)")
    struct HMACSHA256Tests {
        @Test("RFC 4231 test cases", arguments: try CryptoVectors.hmacSHA256())
        func rfc4231(testCase: CryptoVectors.HMACCase) throws {
            let key = try CryptoVectors.bytes(hex: testCase.key)
            let data = try CryptoVectors.bytes(hex: testCase.data)
            let expected = try CryptoVectors.bytes(hex: testCase.hmacSHA256)
            #expect(expected.count == (testCase.truncatedToBytes ?? 32))

            let mac = HMACSHA256(key: key)
            let code = mac.authenticationCode(for: data)
            #expect(Array(code.bytes.prefix(expected.count)) == expected)
            #expect(data.withUnsafeBytes { mac.authenticationCode(for: $0) } == code)
            let text = String(decoding: data, as: UTF8.self)
            if Array(text.utf8) == data {  // cases 3 and 4 are not UTF-8
                #expect(mac.authenticationCode(for: text) == code)
            }
        }

        @Test("a key longer than the block acts as its SHA-256 (RFC 2104 §2)", arguments: [65, 100, 131, 200])
        func longKeyIsHashed(keyLength: Int) {
            var random = SplitMix64(state: UInt64(keyLength))
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            let message = Array("signing input".utf8)
            #expect(
                HMACSHA256(key: key).authenticationCode(for: message)
                    == HMACSHA256(key: SHA256.hash(key).bytes).authenticationCode(for: message))
        }

        @Test("keys of 0, 63, 64 and 65 bytes give different MACs, stable across calls")
        func keyLengthsAroundTheBlock() {
            let codes = [0, 63, 64, 65].map { length in
                let mac = HMACSHA256(key: [UInt8](repeating: 0x61, count: length))
                let first = mac.authenticationCode(for: "payload")
                #expect(mac.authenticationCode(for: "payload") == first)
                return first
            }
            #expect(Set(codes).count == codes.count)
        }
    }
}
