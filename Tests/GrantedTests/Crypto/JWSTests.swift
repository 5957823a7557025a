import Foundation
@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("JWS compact serialization (RFC 7515)")
    struct JWSTests {
        // MARK: RFC 7515 Appendix A.1

        @Test("A.1: the header and payload text, their octets and their encodings agree")
        func appendixA1IsConsistent() throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            #expect(Array(example.protectedHeader.utf8) == example.protectedHeaderOctets)
            #expect(Array(example.payload.utf8) == example.payloadOctets)
            #expect(Base64URL.encode(example.protectedHeaderOctets) == example.encodedHeader)
            #expect(Base64URL.encode(example.payloadOctets) == example.encodedPayload)
            #expect(Base64URL.encode(example.signatureOctets) == example.encodedSignature)
            #expect(example.compact == "\(example.encodedHeader).\(example.encodedPayload).\(example.encodedSignature)")
        }

        @Test("A.1 verifies, and the HMAC of its exact signing input is the RFC's signature")
        func appendixA1Verifies() throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            let signer = try JWSVectors.rfcSigner()
            #expect(JWS.verify(example.compact, expecting: .hs256, verifiers: [signer]) == example.payloadOctets)

            let parsed = try #require(JWS.parse(example.compact))
            #expect(parsed.header == JWSHeader(algorithm: .hs256, type: "JWT"))
            #expect(parsed.payload == example.payloadOctets)
            #expect(parsed.signature == example.signatureOctets)
            let signingInput = Array("\(example.encodedHeader).\(example.encodedPayload)".utf8)
            #expect(parsed.signingInput == signingInput)
            #expect(signer.sign(signingInput) == example.signatureOctets)
        }

        // MARK: Refusals

        @Test("alg none is refused, with or without a signature, in any spelling", arguments: ["none", "None", "NONE"])
        func unsecuredRefused(spelling: String) throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            let signer = try JWSVectors.rfcSigner()
            let header = Base64URL.encode(Array(#"{"alg":"\#(spelling)"}"#.utf8))
            let accepting = AcceptingVerifier(algorithm: JWSAlgorithm(rawValue: spelling))
            for compact in [
                "\(header).\(example.encodedPayload).",
                "\(header).\(example.encodedPayload).\(example.encodedSignature)",
                try JWSVectors.rfc7519().unsecured.jwt,
            ] {
                #expect(JWS.parse(compact) != nil)  // well-formed: refused for its alg alone
                #expect(JWS.verify(compact, expecting: .hs256, verifiers: [signer, accepting]) == nil)
                #expect(JWS.verify(compact, expecting: JWSAlgorithm(rawValue: spelling), verifiers: [accepting]) == nil)
            }
        }

        @Test("a changed header, payload or signature is refused", arguments: 0..<3)
        func tamperedRefused(part: Int) throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            let signer = try JWSVectors.rfcSigner()
            var parts = [example.encodedHeader, example.encodedPayload, example.encodedSignature]
            switch part {
            case 0: parts[0] = Base64URL.encode(Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8))
            case 1: parts[1] = Base64URL.encode(Array(example.payload.replacingOccurrences(of: "joe", with: "eve").utf8))
            default: parts[2] = Base64URL.encode(example.signatureOctets.reversed())
            }
            #expect(JWS.verify(parts.joined(separator: "."), expecting: .hs256, verifiers: [signer]) == nil)
        }

        @Test("one flipped signature bit is refused", arguments: 0..<32)
        func flippedSignatureBit(byte: Int) throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            var signature = example.signatureOctets
            signature[byte] ^= 1 << UInt8(byte % 8)
            let compact = "\(example.encodedHeader).\(example.encodedPayload).\(Base64URL.encode(signature))"
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [try JWSVectors.rfcSigner()]) == nil)
        }

        @Test("another key is refused", arguments: 0..<20 as Range<UInt64>)
        func wrongKey(seed: UInt64) throws {
            var random = SplitMix64(state: seed)
            let other = try HS256Signer(key: JWSVectors.bytes(32 + Int(seed), using: &random))
            let example = try JWSVectors.rfc7515().hmacSHA256
            #expect(JWS.verify(example.compact, expecting: .hs256, verifiers: [other]) == nil)
            #expect(JWS.verify(example.compact, expecting: .hs256, verifiers: []) == nil)
        }

        @Test("RFC 7515 A.2 (RS256) and A.3 (ES256) are refused where HS256 is expected",
              arguments: try JWSVectors.rfc7515().publicKeyExamples)
        func publicKeyTokenWhereHMACExpected(example: JWSVectors.PublicKeyExample) throws {
            let parsed = try #require(JWS.parse(example.compact))
            #expect(parsed.header.algorithm.rawValue == example.algorithm)
            let everything = [
                AcceptingVerifier(algorithm: .hs256), AcceptingVerifier(algorithm: parsed.header.algorithm),
            ] as [any SignatureVerifier]
            #expect(JWS.verify(example.compact, expecting: .hs256, verifiers: everything) == nil)
            // The same token is let through to a verifier of its own algorithm, so the refusal above is the alg check.
            #expect(JWS.verify(example.compact, expecting: parsed.header.algorithm, verifiers: everything) != nil)
        }

        @Test("an HS256 token is refused where RS256 is expected, even MACed with the RSA public key")
        func hmacTokenWhereRSAExpected() throws {
            let examples = try JWSVectors.rfc7515()
            let rsa = try #require(examples.publicKeyExamples.first { $0.algorithm == "RS256" })
            // The classic confusion: a host that wrongly also keys an HMAC with the public modulus.
            let modulus = try #require(Base64URL.decode(rsa.jwk.n ?? ""))
            let confused = try HS256Signer(key: modulus)
            let forged = try JWS.sign(Array(examples.hmacSHA256.payload.utf8), signer: confused)
            let verifiers: [any SignatureVerifier] = [AcceptingVerifier(algorithm: .rs256), confused]
            #expect(JWS.verify(forged, expecting: .rs256, verifiers: verifiers) == nil)
            #expect(JWS.verify(examples.hmacSHA256.compact, expecting: .rs256, verifiers: verifiers) == nil)
        }

        @Test("a verifier of another algorithm is never consulted")
        func verifierOfAnotherAlgorithmIgnored() throws {
            let example = try JWSVectors.rfc7515().hmacSHA256
            let verifiers: [any SignatureVerifier] = [AcceptingVerifier(algorithm: .rs256), AcceptingVerifier(algorithm: .es256)]
            #expect(JWS.verify(example.compact, expecting: .hs256, verifiers: verifiers) == nil)
        }

        /// Headers Granted never writes, each MACed correctly, so only the header can refuse them.
        static let refusedHeaders = [
            "not json",
            "[\"alg\",\"HS256\"]",
            "\"HS256\"",
            "{}",
            #"{"typ":"JWT"}"#,
            #"{"alg":256}"#,
            #"{"alg":""}"#,
            #"{"alg":null}"#,
            #"{"alg":"HS256","kid":7}"#,
            #"{"alg":"HS256","typ":["JWT"]}"#,
            #"{"alg":"HS256","crit":["exp"],"exp":1}"#,
            #"{"alg":"HS256","crit":["b64"],"b64":false}"#,
            #"{"alg":"HS256","crit":[]}"#,
            #"{"alg":"HS256","crit":"b64"}"#,
            "{\"alg\":\"HS256\"}\u{0}",
        ]

        @Test("a header that is not a JSON object with a string alg, or has crit, is refused", arguments: refusedHeaders)
        func refusedHeader(header: String) throws {
            let signer = try JWSVectors.rfcSigner()
            let compact = JWSVectors.compact(header: header, payload: Array("{}".utf8), signer: signer)
            #expect(JWS.parse(compact) == nil)
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [signer]) == nil)
        }

        @Test("a header in UTF-16 is refused")
        func utf16Header() throws {
            let signer = try JWSVectors.rfcSigner()
            var header: [UInt8] = []
            for unit in #"{"alg":"HS256"}"#.utf16 { header += [UInt8(truncatingIfNeeded: unit), UInt8(unit >> 8)] }
            var input = Array(Base64URL.encode(header).utf8) + Array(".e30".utf8)
            let signature = signer.sign(input)
            input += Array(".\(Base64URL.encode(signature))".utf8)
            #expect(JWS.parse(String(decoding: input, as: UTF8.self)) == nil)
        }

        static let malformed: [String] = {
            let a1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            let parts = a1.split(separator: ".").map(String.init)
            return [
                "", ".", "..", "...", "abc",
                "\(parts[0]).\(parts[1])",  // 2 parts
                "\(a1).\(parts[2])",  // 4 parts
                "\(a1).",  // a trailing dot
                ".\(parts[1]).\(parts[2])",  // no header
                "\(parts[0])=.\(parts[1]).\(parts[2])",  // padding
                "\(parts[0]).\(parts[1]).\(parts[2])=",
                "\(parts[0]).\(parts[1]).\(parts[2].replacingOccurrences(of: "_", with: "/"))",  // base64, not base64url
                "\(parts[0]).+\(parts[1].dropFirst()).\(parts[2])",
                "\(parts[0]).\(parts[1]).\(parts[2].replacingOccurrences(of: "-", with: "+"))",
                " \(a1)", "\(a1) ", "\(a1)\n", "\(parts[0]).\(parts[1])\r\n.\(parts[2])",
                "\(parts[0]).\(parts[1]).\(parts[2].dropLast(2))",  // 4n+1 characters
                "\(parts[0]).\(parts[1]).\(parts[2].dropLast())l",  // non-zero trailing bits
                "\(parts[0]).\(parts[1]).é\(parts[2])",
                "\(parts[0]).\(parts[1]).\(parts[2])\u{0}",
            ]
        }()

        @Test("malformed compact strings are refused", arguments: malformed)
        func malformedRefused(compact: String) throws {
            #expect(JWS.parse(compact) == nil)
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [try JWSVectors.rfcSigner()]) == nil)
        }

        @Test("a 100 KB token is refused for its size alone", arguments: [100 * 1024, 1 << 20])
        func oversizedRefused(payloadSize: Int) throws {
            let signer = try JWSVectors.rfcSigner()
            let compact = try JWS.sign([UInt8](repeating: 0x41, count: payloadSize), signer: signer)
            #expect(JWS.parse(compact) == nil)
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [signer]) == nil)
            let limit = compact.utf8.count
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [signer], maximumLength: limit)?.count == payloadSize)
        }

        @Test("a header longer than 2 KB is refused")
        func oversizedHeader() throws {
            let signer = try JWSVectors.rfcSigner()
            let padding = String(repeating: "x", count: 2048)
            let compact = JWSVectors.compact(header: #"{"alg":"HS256","x":"\#(padding)"}"#, payload: [], signer: signer)
            #expect(JWS.parse(compact) == nil)
        }

        // MARK: Signing

        @Test("sign writes {alg, typ, kid} as compact JSON")
        func signedHeader() throws {
            let signer = try JWSVectors.rfcSigner(keyID: "2024-\"q\"")
            let compact = try JWS.sign(Array("{}".utf8), signer: signer)
            let header = try #require(compact.split(separator: ".").first)
            #expect(Base64URL.decode(header) == Array(#"{"alg":"HS256","typ":"JWT","kid":"2024-\"q\""}"#.utf8))
            let untyped = try JWS.sign([], type: nil, signer: try JWSVectors.rfcSigner())
            #expect(untyped.hasPrefix(Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8)) + ".."))
            #expect(JWS.verify(untyped, expecting: .hs256, verifiers: [signer]) == [])
        }

        @Test("sign refuses a signer that claims none or signs nothing")
        func signRefusesUnsecured() {
            let none = PublishingSigner(algorithm: JWSAlgorithm(rawValue: "none"), keyID: nil, publicJWK: nil)
            #expect(throws: JWS.SigningError.unsecuredAlgorithm) { try JWS.sign([], signer: none) }
            let empty = PublishingSigner(algorithm: .rs256, keyID: nil, publicJWK: nil, signature: [])
            #expect(throws: JWS.SigningError.emptySignature) { try JWS.sign([], signer: empty) }
        }

        @Test("sign then verify round-trips any payload and kid", arguments: 0..<100 as Range<UInt64>)
        func roundTrip(seed: UInt64) throws {
            var random = SplitMix64(state: seed)
            let payload = JWSVectors.bytes(Int.random(in: 0...400, using: &random), using: &random)
            let keyID = Bool.random(using: &random) ? nil : "k\(random.next() % 1000)"
            let signer = try HS256Signer(key: JWSVectors.bytes(Int.random(in: 32...100, using: &random), using: &random), keyID: keyID)
            let other = try HS256Signer(key: JWSVectors.bytes(32, using: &random), keyID: "other")
            let compact = try JWS.sign(payload, signer: signer)
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [other, signer]) == payload)
            #expect(JWS.verify(compact, expecting: .hs256, verifiers: [other]) == nil)
            let parsed = try #require(JWS.parse(compact))
            #expect(parsed.header == JWSHeader(algorithm: .hs256, keyID: keyID, type: "JWT"))
        }

        @Test("kid picks the verifier; with no verifier of that kid, keyless ones are tried")
        func keyIDSelection() throws {
            var random = SplitMix64(state: 7)
            let key = JWSVectors.bytes(32, using: &random)
            let signed = try JWS.sign(Array("{}".utf8), signer: try HS256Signer(key: key, keyID: "a"))
            let sameKeyOtherID = try HS256Signer(key: key, keyID: "b")
            let sameKeyNoID = try HS256Signer(key: key)
            let otherKeySameID = try HS256Signer(key: JWSVectors.bytes(32, using: &random), keyID: "a")
            #expect(JWS.verify(signed, expecting: .hs256, verifiers: [sameKeyOtherID]) == nil)
            #expect(JWS.verify(signed, expecting: .hs256, verifiers: [otherKeySameID, sameKeyNoID]) == nil)
            #expect(JWS.verify(signed, expecting: .hs256, verifiers: [sameKeyOtherID, sameKeyNoID]) != nil)
            #expect(JWS.verify(signed, expecting: .hs256, verifiers: [try HS256Signer(key: key, keyID: "a")]) != nil)
            // Without a kid, every verifier of the algorithm is tried.
            let unnamed = try JWS.sign(Array("{}".utf8), signer: sameKeyNoID)
            #expect(JWS.verify(unnamed, expecting: .hs256, verifiers: [otherKeySameID, sameKeyOtherID]) != nil)
        }
    }
}
