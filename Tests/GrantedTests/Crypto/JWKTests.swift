import Foundation
@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("JWK and JWK Set values (RFC 7517; RFC 7518 §6; RFC 8037 §2)")
    struct JWKTests {
        @Test("the vector file loads, with every kind of key")
        func vectorsLoad() throws {
            let file = try JWKVectors.file()
            #expect(Set(file.publicKeys.map(\.kty)) == ["EC", "RSA", "OKP"])
            #expect(file.privateKeys.count == 2)
        }

        @Test("an RFC example key parses, and serializes back to the RFC's bytes", arguments: JWKVectors.publicKeys)
        func rfcVector(_ vector: JWKVectors.PublicKey) throws {
            let jwk = try JWK(json: Array(vector.json.utf8))
            #expect(jwk.key.keyType == vector.kty)
            #expect(String(decoding: jwk.json, as: UTF8.self) == vector.json)
            switch jwk.key {
            case .rsa(let modulus, let exponent):
                #expect(modulus.count == vector.modulusBytes)
                #expect(exponent == [1, 0, 1])
                #expect(jwk.algorithm == .rs256 && jwk.keyID == "2011-04-29")
            case .ec(let curve, let x, let y):
                #expect(curve == .p256 && x.count == vector.coordinateBytes && y.count == vector.coordinateBytes)
                #expect(jwk.use == .encryption && jwk.keyID == "1")
            case .okp(let curve, let x):
                #expect(curve == .ed25519 && x.count == vector.coordinateBytes)
                #expect(jwk.keyID == nil && jwk.use == nil && jwk.algorithm == nil)
            case .oct:
                Issue.record("an RFC public key parsed as oct")
            }
        }

        @Test("RFC 7517 A.1's JWK Set parses and serializes back to its bytes")
        func rfcSet() throws {
            let text = try JWKVectors.file().publicKeySet
            let set = try JWKSet(json: Array(text.utf8))
            #expect(set.keys.map(\.keyID) == ["1", "2011-04-29"])
            #expect(String(decoding: set.json, as: UTF8.self) == text)
            #expect(try JSONDecoder().decode(JWKSet.self, from: JSONEncoder().encode(set)) == set)
        }

        @Test("a private key is refused, naming the member (RFC 7518 §6.2.2; RFC 8037 §2)", arguments: JWKVectors.privateKeys)
        func rfcPrivateKey(_ vector: JWKVectors.PrivateKey) {
            #expect(throws: JWK.ParseError.privateMember(vector.member)) { try JWK(json: Array(vector.json.utf8)) }
        }

        static let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        static let x = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4"
        static let y = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"
        static let ed = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

        /// Malformed JWKs and the error each must give.
        static let refusals: [(String, JWK.ParseError)] = [
            ("[]", .notAJSONObject),
            ("not json", .notAJSONObject),
            (#"{"n":"\#(n)","e":"AQAB"}"#, .missingMember("kty")),
            (#"{"kty":7}"#, .invalidMember("kty")),
            (#"{"kty":"rsa","n":"\#(n)","e":"AQAB"}"#, .unsupportedKeyType("rsa")),
            (#"{"kty":"RSA","e":"AQAB"}"#, .missingMember("n")),
            (#"{"kty":"RSA","n":"\#(n)"}"#, .missingMember("e")),
            (#"{"kty":"RSA","n":"\#(n)","e":"AQAB="}"#, .invalidMember("e")),
            (#"{"kty":"RSA","n":"\#(n)","e":"AQ+B"}"#, .invalidMember("e")),
            (#"{"kty":"RSA","n":"","e":"AQAB"}"#, .invalidMember("n")),
            (#"{"kty":"RSA","n":"\#(n)","e":"AQAB","p":"AQAB"}"#, .privateMember("p")),
            (#"{"kty":"RSA","n":"\#(n)","e":"AQAB","qi":"AQAB"}"#, .privateMember("qi")),
            (#"{"kty":"RSA","n":"\#(n)","e":"AQAB","oth":[]}"#, .privateMember("oth")),
            (#"{"kty":"EC","x":"\#(x)","y":"\#(y)"}"#, .missingMember("crv")),
            (#"{"kty":"EC","crv":"P-256","x":"\#(x)"}"#, .missingMember("y")),
            (#"{"kty":"EC","crv":"P-384","x":"\#(x)","y":"\#(y)"}"#, .invalidMember("x")),
            (#"{"kty":"EC","crv":"Ed25519","x":"\#(x)","y":"\#(y)"}"#, .invalidMember("crv")),
            (#"{"kty":"OKP","crv":"Ed448","x":"\#(ed)"}"#, .invalidMember("x")),
            (#"{"kty":"OKP","crv":"P-256","x":"\#(ed)"}"#, .invalidMember("crv")),
            (#"{"kty":"OKP","crv":"Ed25519"}"#, .missingMember("x")),
            (#"{"kty":"oct"}"#, .missingMember("k")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","kid":1}"#, .invalidMember("kid")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","key_ops":["verify","verify"]}"#, .invalidMember("key_ops")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","key_ops":"verify"}"#, .invalidMember("key_ops")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","key_ops":null}"#, .invalidMember("key_ops")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","key_ops":["verify",1]}"#, .invalidMember("key_ops")),
            (#"{"kty":"OKP","crv":"Ed25519","x":"\#(ed)","use":true}"#, .invalidMember("use")),
            (#"{"kty":null,"crv":"Ed25519","x":"\#(ed)"}"#, .missingMember("kty")),
            (#"{"kty":"OKP","crv":"Ed25519","x":null}"#, .missingMember("x")),
            (#"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","d":null}"#, .privateMember("d")),
        ]

        @Test("a malformed JWK is refused with the member at fault", arguments: refusals)
        func refused(_ json: String, _ error: JWK.ParseError) {
            #expect(throws: error) { try JWK(json: Array(json.utf8)) }
        }

        /// The refusals that are JSON objects, for the rules read from a parsed object.
        static let objectRefusals = refusals.filter { $0.0.hasPrefix("{") }

        @Test("a JWK from an already-parsed object (a DPoP proof's jwk) meets the same refusals", arguments: objectRefusals)
        func refusedFromObject(_ json: String, _ error: JWK.ParseError) throws {
            let object = try #require(JSONReader.object(Array(json.utf8)))
            #expect(throws: error) { try JWK(object: object) }
            #expect(throws: error) { try JSONDecoder().decode(JWK.self, from: Data(json.utf8)) }
        }

        @Test("a repeated member keeps its last value, as the JWS header it may sit in (RFC 7515 §4)")
        func repeatedMember() throws {
            let json = #"{"kty":"OKP","crv":"Ed2551#","x":"AA","crv":"Ed25519","x":"\#(Self.ed)"}"#
            let expected = JWK(.okp(curve: .ed25519, x: try #require(Base64URL.decode(Self.ed))))
            #expect(try JWK(json: Array(json.utf8)) == expected)
        }

        @Test("members that are null read as absent where a JWK allows it (kid, use, alg)")
        func nullOptionalMembers() throws {
            let json = #"{"kty":"OKP","crv":"Ed25519","x":"\#(Self.ed)","kid":null,"use":null,"alg":null}"#
            let expected = JWK(.okp(curve: .ed25519, x: try #require(Base64URL.decode(Self.ed))))
            #expect(try JWK(json: Array(json.utf8)) == expected)
            #expect(try JWK(object: #require(JSONReader.object(Array(json.utf8)))) == expected)
        }

        @Test("unknown members are ignored (RFC 7517 §4); an oct key parses, and hides its key in description")
        func lenient() throws {
            let jwk = try JWK(json: Array(#"{"kty":"OKP","crv":"Ed25519","x":"\#(Self.ed)","x5t":"abc","ext":true}"#.utf8))
            #expect(String(decoding: jwk.json, as: UTF8.self) == #"{"kty":"OKP","crv":"Ed25519","x":"\#(Self.ed)"}"#)
            let oct = try JWK(json: Array(#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldA","kid":"h"}"#.utf8))
            #expect(oct.key == .oct(key: Array("secret-secret".utf8)))
            #expect(!oct.description.contains("c2Vj") && oct.description.contains("oct"))
        }

        /// Values covering every member, for the round trips.
        static let values: [JWK] = [
            JWK(.rsa(modulus: [0xC0, 0xFF, 0xEE], exponent: [1, 0, 1]), keyID: "r", use: .signature, algorithm: .rs256),
            JWK(.ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32)), keyID: "e\"c"),
            JWK(.ec(curve: JWK.Curve(rawValue: "secp256k1"), x: [3, 4], y: [5, 6])),
            JWK(.okp(curve: .ed25519, x: Array(repeating: 9, count: 32)), operations: [.verify], algorithm: .edDSA),
            JWK(.okp(curve: .x448, x: Array(repeating: 7, count: 56)), use: .encryption, operations: [.deriveKey, .deriveBits]),
            JWK(.oct(key: Array(repeating: 0xAA, count: 32)), keyID: "h", algorithm: .hs256),
        ]

        @Test("json and Codable both round-trip to the same value", arguments: values)
        func roundTrip(_ jwk: JWK) throws {
            #expect(try JWK(json: jwk.json) == jwk)
            #expect(try JWK(json: JWK(json: jwk.json).json).json == jwk.json)
            let encoded = try JSONEncoder().encode(jwk)
            #expect(try JSONDecoder().decode(JWK.self, from: encoded) == jwk)
            #expect(try JWK(json: Array(encoded)) == jwk)
            #expect(try JWK(object: #require(JSONReader.object(jwk.json))) == jwk)
        }

        /// A random member value: the right type and the wrong ones, strict base64url and not.
        static func randomValue(_ random: inout SplitMix64) -> Any {
            let pool: [Any] = [
                "EC", "RSA", "OKP", "oct", "PQC", "P-256", "P-384", "Ed25519", "X448", "secp256k1",
                x, y, ed, n, "AQAB", "AQAB=", "AQ+B", "", "sig", "verify", "ES256",
                1, 2.5, true, NSNull(), ["verify"], ["verify", "sign"], ["verify", "verify"], [1], [String](),
                ["kty": "EC"],
            ]
            return pool[Int(random.next() % UInt64(pool.count))]
        }

        @Test("property: Codable and a parsed object give the same JWK or the same error", arguments: 0..<200)
        func sameRulesEitherWay(seed: UInt64) throws {
            var random = SplitMix64(seed: seed)
            let names = ["kty", "crv", "x", "y", "n", "e", "k", "d", "qi", "kid", "use", "alg", "key_ops", "ext"]
            var object: [String: Any] = [:]
            let keyTypes = ["EC", "RSA", "OKP", "oct"]
            if random.next() % 8 != 0 { object["kty"] = keyTypes[Int(random.next() % 4)] }
            for name in names where random.next() % 3 == 0 { object[name] = Self.randomValue(&random) }
            if random.next() % 2 == 0 { object["crv"] = ["P-256", "Ed25519"][Int(random.next() % 2)] }
            if random.next() % 2 == 0 { object["x"] = object["crv"] as? String == "Ed25519" ? Self.ed : Self.x }
            if random.next() % 2 == 0 { object["y"] = Self.y }
            let json = Array(try JSONSerialization.data(withJSONObject: object, options: .sortedKeys))
            let parsed = try #require(JSONReader.object(json))
            let decoded = Result { () throws(JWK.ParseError) in
                do { return try JSONDecoder().decode(JWK.self, from: Data(json)) } catch let error as JWK.ParseError {
                    throw error
                } catch { throw .notAJSONObject }
            }
            let fromObject = Result { () throws(JWK.ParseError) in try JWK(object: parsed) }
            #expect(decoded == fromObject, "\(String(decoding: json, as: UTF8.self))")
            #expect(Result { () throws(JWK.ParseError) in try JWK(json: json) } == fromObject)
        }

        @Test("a JWK Set skips key types it does not know (RFC 7517 §5) but refuses a malformed known one")
        func setParsing() throws {
            let okp = #"{"kty":"OKP","crv":"Ed25519","x":"\#(Self.ed)"}"#
            let set = try JWKSet(json: Array(#"{"keys":[{"kty":"PQC","pub":"x"},\#(okp)]}"#.utf8))
            #expect(set.keys.count == 1)
            #expect(throws: JWK.ParseError.privateMember("d")) {
                try JWKSet(json: Array(#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"\#(Self.ed)","d":"AA"}]}"#.utf8))
            }
            #expect(throws: JWK.ParseError.missingMember("keys")) { try JWKSet(json: Array("{}".utf8)) }
            #expect(throws: JWK.ParseError.invalidMember("keys")) { try JWKSet(json: Array(#"{"keys":{}}"#.utf8)) }
            #expect(JWKSet(keys: []).json == Array(#"{"keys":[]}"#.utf8))
        }

        @Test("a key type carries exactly the algorithms it can sign with (RFC 7518 §3.1; RFC 8037 §3.1)")
        func algorithmsPerKeyType() {
            let rsa = JWK.Key.rsa(modulus: [1], exponent: [1])
            let p256 = JWK.Key.ec(curve: .p256, x: [1], y: [1])
            let ed = JWK.Key.okp(curve: .ed25519, x: [1])
            let x25519 = JWK.Key.okp(curve: .x25519, x: [1])
            let oct = JWK.Key.oct(key: [1])
            #expect(rsa.canCarry(.rs256) && rsa.canCarry(.ps256) && !rsa.canCarry(.es256) && !rsa.canCarry(.hs256))
            #expect(p256.canCarry(.es256) && !p256.canCarry(JWSAlgorithm(rawValue: "ES384")) && !p256.canCarry(.rs256))
            #expect(ed.canCarry(.edDSA) && !x25519.canCarry(.edDSA) && !ed.canCarry(.es256))
            #expect(oct.canCarry(.hs256) && !oct.canCarry(.rs256))
            #expect(rsa.canCarry(JWSAlgorithm(rawValue: "X-VENDOR")))
        }
    }
}
