import Foundation
@testable import Granted
import Testing

extension CryptoTests {
    @Suite("JWK Thumbprints (RFC 7638)")
    struct JWKThumbprintTests {
        struct Vector: Sendable, Decodable, CustomTestStringConvertible {
            let name: String
            let jwk: [String: String]
            let thumbprint: String
            var testDescription: String { name }
        }
        struct File: Sendable, Decodable { let thumbprints: [Vector] }

        static let vectors: [Vector] =
            (try? Fixtures.load("vectors/jws-asymmetric.json", as: File.self).thumbprints) ?? []

        @Test("the vector file holds the RFC 7638 and RFC 8037 thumbprints")
        func vectorsLoad() throws {
            #expect(try Fixtures.load("vectors/jws-asymmetric.json", as: File.self).thumbprints.count == 2)
        }

        @Test("a published key's thumbprint is the RFC's", arguments: vectors)
        func rfcVector(_ vector: Vector) throws {
            let json = try JSONSerialization.data(withJSONObject: vector.jwk)
            let jwk = try JWK(json: Array(json))
            #expect(jwk.thumbprint == vector.thumbprint)
        }

        @Test("kid, use, alg and key_ops do not change the thumbprint (RFC 7638 §3.2)")
        func optionalMembersIgnored() throws {
            let key = JWK.Key.okp(curve: .ed25519, x: Array(repeating: 7, count: 32))
            let bare = JWK(key)
            let dressed = JWK(key, keyID: "k", use: .signature, operations: [.verify], algorithm: .edDSA)
            #expect(bare.thumbprint == dressed.thumbprint)
            #expect(String(decoding: bare.thumbprintInput, as: UTF8.self).hasPrefix(#"{"crv":"Ed25519","kty":"OKP","x":""#))
        }

        @Test("members are written in lexicographic order for every key type", arguments: [
            (JWK.Key.rsa(modulus: [1, 2], exponent: [1, 0, 1]), #"{"e":"AQAB","kty":"RSA","n":"AQI"}"#),
            (.ec(curve: .p256, x: [1], y: [2]), #"{"crv":"P-256","kty":"EC","x":"AQ","y":"Ag"}"#),
            (.oct(key: [1, 2, 3]), #"{"k":"AQID","kty":"oct"}"#),
        ])
        func memberOrder(key: JWK.Key, expected: String) {
            #expect(String(decoding: JWK(key).thumbprintInput, as: UTF8.self) == expected)
        }
    }
}
