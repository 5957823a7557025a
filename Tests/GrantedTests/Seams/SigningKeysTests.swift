import Foundation
@testable import Granted
import Testing

/// `SigningKeys`: the JWK Set is written from the signers' `JWK` values, and a key that cannot
/// be published is a start-up error, never a silently short JWK Set.
@Suite("SigningKeys: the JWK Set and its start-up errors (RFC 7517 §5)")
struct SigningKeysTests {
    static let rsaKey = JWK.Key.rsa(modulus: Array(repeating: 0xC3, count: 256), exponent: [1, 0, 1])
    static let ecKey = JWK.Key.ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32))

    static func rsa(_ keyID: String?, jwkKeyID: String?? = .none, algorithm: JWSAlgorithm? = .rs256) -> PublishingSigner {
        PublishingSigner(
            algorithm: .rs256, keyID: keyID,
            publicJWK: JWK(rsaKey, keyID: jwkKeyID ?? keyID, use: .signature, algorithm: algorithm))
    }

    static func hs256(_ keyID: String) throws -> HS256Signer {
        try HS256Signer(key: Array(repeating: 0x5A, count: 32), keyID: keyID)
    }

    @Test("the active key first, then the published ones; a key listed twice and symmetric keys appear once or never")
    func rotation() throws {
        let previous = PublishingSigner(algorithm: .es256, keyID: "2024-12", publicJWK: JWK(Self.ecKey, keyID: "2024-12"))
        let keys = try SigningKeys(
            active: Self.rsa("2025-01"), published: [Self.rsa("2025-02"), Self.rsa("2025-01"), previous, try Self.hs256("hs")])
        #expect(keys.jwkSet.keys.map(\.keyID) == ["2025-01", "2025-02", "2024-12"])
        #expect(keys.jwks == keys.jwkSet.json)
        #expect(try JWKSet(json: keys.jwks) == keys.jwkSet)
        #expect(!keys.jwkSet.keys.contains { if case .oct = $0.key { true } else { false } })
    }

    @Test("an HS256 key signs but is never published, and is declared as the verifier")
    func symmetric() throws {
        let keys = try SigningKeys(active: try Self.hs256("hs"))
        #expect(keys.jwks == Array(#"{"keys":[]}"#.utf8))
        #expect(keys.verifiers.map(\.keyID) == ["hs"])
        #expect(try SigningKeys(active: Self.rsa("r"), published: [try Self.hs256("hs")]).verifiers.map(\.keyID) == ["hs"])
    }

    /// Every key `SigningKeys` must refuse, and the error it names.
    static let unpublishable: [(String, any Signer, SigningKeys.ConfigurationError)] = [
        ("an asymmetric signer without a JWK",
         PublishingSigner(algorithm: .rs256, keyID: "r", publicJWK: nil), .missingPublicJWK(keyID: "r")),
        ("an oct JWK", PublishingSigner(algorithm: .rs256, keyID: "o", publicJWK: JWK(.oct(key: [1, 2, 3]), keyID: "o")),
         .symmetricKeyPublished(keyID: "o")),
        ("a symmetric signer that publishes a public-looking JWK",
         PublishingSigner(algorithm: .hs256, keyID: "leak", publicJWK: JWK(rsaKey, keyID: "leak")),
         .symmetricKeyPublished(keyID: "leak")),
        ("a JWK whose alg is not the signer's", rsa("r", algorithm: .ps256),
         .algorithmMismatch(keyID: "r", signer: .rs256, jwk: .ps256)),
        ("a JWK whose kid is not the signer's", rsa("r", jwkKeyID: "other"), .keyIDMismatch(signer: "r", jwk: "other")),
        ("a JWK without the kid the signer writes", rsa("r", jwkKeyID: .some(nil)), .keyIDMismatch(signer: "r", jwk: nil)),
        ("an EC key for RS256", PublishingSigner(algorithm: .rs256, keyID: "e", publicJWK: JWK(ecKey, keyID: "e")),
         .keyTypeMismatch(keyID: "e", algorithm: .rs256)),
        ("an RSA key for ES256", PublishingSigner(algorithm: .es256, keyID: "e", publicJWK: JWK(rsaKey, keyID: "e")),
         .keyTypeMismatch(keyID: "e", algorithm: .es256)),
    ]

    @Test("an unpublishable key is a start-up error, as the active key or a published one",
          arguments: unpublishable.indices)
    func unpublishableKey(_ index: Int) throws {
        let (name, signer, error) = Self.unpublishable[index]
        #expect(throws: error, "\(name), active") { try SigningKeys(active: signer) }
        #expect(throws: error, "\(name), published") { try SigningKeys(active: Self.rsa("good"), published: [signer]) }
    }

    @Test("two different keys under one kid are refused (RFC 7517 §4.5)")
    func duplicateKeyID() {
        let other = PublishingSigner(algorithm: .es256, keyID: "k", publicJWK: JWK(Self.ecKey, keyID: "k"))
        #expect(throws: SigningKeys.ConfigurationError.duplicateKeyID("k")) {
            try SigningKeys(active: Self.rsa("k"), published: [other])
        }
    }

    @Test("the server's JWK Set endpoint serves exactly the signers' JWK values")
    func served() throws {
        let op = try OIDCProvider(keys: .custom(SigningKeys(active: Self.rsa("r1"))))
        let response = op.server.jwks(OAuthRequest(method: .get, path: "/.well-known/jwks.json"))
        let set = try JWKSet(json: response.body)
        #expect(set.keys == [JWK(Self.rsaKey, keyID: "r1", use: .signature, algorithm: .rs256)])
    }
}
