import Foundation
@testable import Granted
import Testing

extension CryptoTests {
    @Suite("JWS signers: HS256Signer and SigningKeys")
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
                #expect(data.withUnsafeBytes { signer.sign($0) } == expected, "\(testCase.name)")
                #expect(data.withUnsafeBytes { signer.verify(expected, for: $0) }, "\(testCase.name)")
                checked += 1
            }
            #expect(checked >= 2)  // test cases 6 and 7, with 131-byte keys
        }

        @Test("verify refuses other lengths and every flipped bit", arguments: [0, 1, 31, 33, 64])
        func verifyRefuses(length: Int) throws {
            let signer = try JWSVectors.rfcSigner()
            let input = Array("header.payload".utf8)
            let signature = input.withUnsafeBytes { signer.sign($0) }
            input.withUnsafeBytes { raw in
                #expect(signer.verify(signature, for: raw))
                #expect(!signer.verify(Array(signature.prefix(length)) + [UInt8](repeating: 0, count: max(0, length - 32)), for: raw))
                for bit in 0..<256 {
                    var flipped = signature
                    flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                    #expect(!signer.verify(flipped, for: raw))
                }
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

        @Test("an HS256 key is never published")
        func symmetricNotPublished() throws {
            let signer = try JWSVectors.rfcSigner(keyID: "hs")
            #expect(signer.publicJWKs.isEmpty)
            #expect(SigningKeys(active: signer).jwks == Array(#"{"keys":[]}"#.utf8))
            // Even a symmetric signer that returns a JWK is left out.
            let leaky = PublishingSigner(algorithm: .hs256, keyID: "leak", publicJWKs: [Array(#"{"kty":"RSA","n":"x","e":"AQAB"}"#.utf8)])
            #expect(SigningKeys(active: leaky).jwks == Array(#"{"keys":[]}"#.utf8))
        }

        /// The RSA public key of RFC 7515 A.2.1 as a JWK with a given `kid`.
        static func rsaJWK(keyID: String, extra: String = "") throws -> [UInt8] {
            let jwk = try #require(try JWSVectors.rfc7515().publicKeyExamples.first { $0.algorithm == "RS256" }?.jwk)
            return Array(#"{"kty":"RSA","kid":"\#(keyID)","use":"sig","alg":"RS256","n":"\#(jwk.n ?? "")","e":"AQAB"\#(extra)}"#.utf8)
        }

        @Test("the JWK Set lists the active key first, then the published ones, once per kid")
        func rotation() throws {
            let next = PublishingSigner(algorithm: .rs256, keyID: "2025-02", publicJWKs: [try Self.rsaJWK(keyID: "2025-02")])
            let current = PublishingSigner(algorithm: .rs256, keyID: "2025-01", publicJWKs: [try Self.rsaJWK(keyID: "2025-01")])
            let previous = PublishingSigner(algorithm: .es256, keyID: "2024-12", publicJWKs: [Array(#"{"kty":"EC","kid":"2024-12","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#.utf8)])
            let hmac = try JWSVectors.rfcSigner(keyID: "hs")
            let keys = SigningKeys(active: current, published: [next, current, previous, hmac, next])
            #expect(keys.active.keyID == "2025-01")

            let document = try #require(try JSONSerialization.jsonObject(with: Data(keys.jwks)) as? [String: Any])
            let listed = try #require(document["keys"] as? [[String: Any]])
            #expect(listed.compactMap { $0["kid"] as? String } == ["2025-01", "2025-02", "2024-12"])
            #expect(listed.allSatisfy { $0["kty"] as? String != "oct" && $0["k"] == nil && $0["d"] == nil })
        }

        static let secretJWKs = [
            #"{"kty":"RSA","kid":"s","n":"x","e":"AQAB","d":"secret"}"#,
            #"{"kty":"RSA","kid":"s","n":"x","e":"AQAB","p":"1","q":"2"}"#,
            #"{"kty":"EC","kid":"s","crv":"P-256","x":"x","y":"y","d":"secret"}"#,
            #"{"kty":"OKP","kid":"s","crv":"Ed25519","x":"x","d":"secret"}"#,
            #"{"kty":"oct","kid":"s","k":"secret"}"#,
            #"{"kid":"s","n":"x","e":"AQAB"}"#,
            #"["kty","RSA"]"#,
            "not json",
        ]

        @Test("a JWK with private or symmetric key material, or not a JWK at all, is never published",
              arguments: secretJWKs)
        func secretsNotPublished(jwk: String) throws {
            let signer = PublishingSigner(algorithm: .rs256, keyID: "s", publicJWKs: [Array(jwk.utf8)])
            let good = PublishingSigner(algorithm: .rs256, keyID: "g", publicJWKs: [try Self.rsaJWK(keyID: "g")])
            let keys = SigningKeys(active: signer, published: [good])
            #expect(!String(decoding: keys.jwks, as: UTF8.self).contains("secret"))
            #expect(keys.jwks == Array(#"{"keys":["#.utf8) + (try Self.rsaJWK(keyID: "g")) + Array("]}".utf8))
        }
    }
}
