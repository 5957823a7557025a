import Foundation
@testable import Granted
import Testing

extension CryptoTests {
    @Suite("JWS signers: HS256Signer")
    struct JWSSignerTests {
        @Test("algorithms carry their registered names, code as a string, and only HMACs are symmetric")
        func algorithms() throws {
            let all: [JWSAlgorithm] = [.hs256, .rs256, .es256, .edDSA, .ps256]
            #expect(all.map(\.rawValue) == ["HS256", "RS256", "ES256", "EdDSA", "PS256"])
            #expect(all.map(\.isSymmetric) == [true, false, false, false, false])
            #expect(JWSAlgorithm(rawValue: "HS512").isSymmetric && !JWSAlgorithm(rawValue: "hs256").isSymmetric)
            let encoded = try JSONEncoder().encode(all)
            #expect(String(decoding: encoded, as: UTF8.self) == #"["HS256","RS256","ES256","EdDSA","PS256"]"#)
            #expect(try JSONDecoder().decode([JWSAlgorithm].self, from: encoded) == all)
        }

        @Test("HS256 refuses keys under 256 bits (RFC 7518 §3.2)", arguments: [0, 1, 16, 31, 32, 33, 64, 131])
        func keyLength(count: Int) {
            let key = [UInt8](repeating: 0xAA, count: count)
            if count < 32 {
                #expect(throws: HS256Signer.KeyError.shorterThan256Bits) { try HS256Signer(key: key) }
            } else {
                #expect(throws: Never.self) { try HS256Signer(key: key) }
            }
        }

        @Test("HS256 signs the RFC 4231 cases whose keys are long enough")
        func rfc4231() throws {
            let cases = try CryptoVectors.hmacSHA256().filter { $0.truncatedToBytes == nil }
            var checked = 0
            for testCase in cases {
                let key = try CryptoVectors.bytes(hex: testCase.key)
                guard key.count >= 32 else { continue }
                let data = try CryptoVectors.bytes(hex: testCase.data)
                let expected = try CryptoVectors.bytes(hex: testCase.hmacSHA256)
                let signer = try HS256Signer(key: key)
                #expect(signer.sign(data) == expected, "\(testCase.name)")
                #expect(signer.verify(expected, for: data), "\(testCase.name)")
                checked += 1
            }
            #expect(checked >= 2)  // test cases 6 and 7, with 131-byte keys
        }

        @Test("verify refuses other lengths and every flipped bit", arguments: [0, 1, 31, 33, 64])
        func verifyRefuses(length: Int) throws {
            let signer = try JWSVectors.rfcSigner()
            let input = Array("header.payload".utf8)
            let signature = signer.sign(input)
            #expect(signer.verify(signature, for: input))
            #expect(!signer.verify(Array(signature.prefix(length)) + [UInt8](repeating: 0, count: max(0, length - 32)), for: input))
            for bit in 0..<256 {
                var flipped = signature
                flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                #expect(!signer.verify(flipped, for: input))
            }
        }

        @Test("the key never shows in description, debugDescription or dump")
        func keyHidden() throws {
            let signer = try HS256Signer(key: [UInt8](repeating: 0x41, count: 32), keyID: "k1")
            var dumped = ""
            dump(signer, to: &dumped)
            for text in [String(describing: signer), String(reflecting: signer), dumped] {
                #expect(text.contains("k1"))
                #expect(!text.contains("inner") && !text.contains("outer") && !text.contains("mac"))
            }
        }

        @Test("an HS256 signer publishes no JWK and declares itself as its verifier")
        func symmetricNotPublished() throws {
            let signer = try JWSVectors.rfcSigner(keyID: "hs")
            #expect(signer.publicJWK == nil)
            let verifier = try #require(signer.verifier)
            let input = Array("header.payload".utf8)
            #expect(verifier.verify(signer.sign(input), for: input))
            #expect(verifier.keyID == "hs" && verifier.algorithm == .hs256)
        }
    }
}
