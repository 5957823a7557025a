import Foundation
import Granted
import GrantedCrypto
import Testing

@Suite("CryptoKeyVerification: verifiers for keys that arrive at run time")
struct CryptoKeyVerificationTests {
    static let verification = CryptoKeyVerification()

    @Test("answers for each algorithm on a matching key")
    func matching() throws {
        for algorithm in SignerTests.algorithms {
            let signer = try AsymmetricSigner(key: SignerTests.key(for: algorithm), algorithm: algorithm)
            let jwk = try #require(signer.publicJWK)
            let verifier = try #require(Self.verification.verifier(for: jwk, algorithm: algorithm))
            #expect(verifier.algorithm == algorithm && verifier.keyID == signer.keyID)
        }
        #expect(Self.verification.algorithms == [.rs256, .ps256, .es256, .edDSA])
    }

    @Test("refuses an alg the JWK is not pinned to, and a kty or crv that cannot carry it", arguments: [
        (JWSAlgorithm.rs256, JWSAlgorithm.ps256), (.ps256, .rs256), (.rs256, .es256), (.es256, .edDSA), (.edDSA, .rs256),
        (.es256, .rs256), (.edDSA, .es256),
    ])
    func confusionRefused(keyFor: JWSAlgorithm, askedFor: JWSAlgorithm) throws {
        let signer = try AsymmetricSigner(key: SignerTests.key(for: keyFor), algorithm: keyFor)
        let jwk = try #require(signer.publicJWK)
        #expect(Self.verification.verifier(for: jwk, algorithm: askedFor) == nil)
        var unpinned = jwk
        unpinned.algorithm = nil
        // Without `alg`, the key type still decides: RSA carries RS256 and PS256, nothing else.
        let carries = keyFor == askedFor || (Set([keyFor, askedFor]) == [.rs256, .ps256])
        #expect((Self.verification.verifier(for: unpinned, algorithm: askedFor) != nil) == carries)
    }

    @Test("HMAC, none, oct keys and keys not for signing are refused (RFC 8725 §2.1, §3.1)")
    func symmetricRefused() throws {
        let signer = try AsymmetricSigner(key: SignerTests.key(for: .rs256), algorithm: .rs256)
        var jwk = try #require(signer.publicJWK)
        jwk.algorithm = nil
        #expect(Self.verification.verifier(for: jwk, algorithm: .hs256) == nil)
        #expect(Self.verification.verifier(for: jwk, algorithm: JWSAlgorithm(rawValue: "none")) == nil)
        #expect(Self.verification.verifier(for: JWK(.oct(key: Array(repeating: 1, count: 32))), algorithm: .hs256) == nil)
        #expect(Self.verification.verifier(for: JWK(.oct(key: Array(repeating: 1, count: 32))), algorithm: .rs256) == nil)
        var encryption = jwk
        encryption.use = .encryption
        #expect(Self.verification.verifier(for: encryption, algorithm: .rs256) == nil)
        var signOnly = jwk
        signOnly.operations = [.sign]
        #expect(Self.verification.verifier(for: signOnly, algorithm: .rs256) == nil)
    }

    @Test("an HS256 token whose MAC key is the RSA public key's bytes does not verify")
    func hmacWithPublicKeyRefused() throws {
        let signer = try AsymmetricSigner(key: SignerTests.key(for: .rs256), algorithm: .rs256)
        let jwk = try #require(signer.publicJWK)
        let forged = try JWS.sign(Array("{}".utf8), signer: HS256Signer(key: jwk.json, keyID: signer.keyID))
        let verifiers = Self.verification.verifiers(for: JWKSet(keys: [jwk]))
        #expect(verifiers.count == 1)
        #expect(JWS.verify(forged, expecting: .hs256, verifiers: verifiers) == nil)
        #expect(JWS.verify(forged, expecting: .rs256, verifiers: verifiers) == nil)
    }

    @Test("RSA keys under 2048 bits are refused")
    func smallRSA() {
        let modulus: [UInt8] = [0xc0] + Array(repeating: 0x11, count: 127)  // 1024 bits
        #expect(Self.verification.verifier(for: JWK(.rsa(modulus: modulus, exponent: [1, 0, 1])), algorithm: .rs256) == nil)
    }

    @Test("an ES256 signature in DER rather than R ‖ S is refused (RFC 7518 §3.4)")
    func derSignatureRefused() throws {
        let signer = try AsymmetricSigner.generate(.es256)
        let verifier = try #require(signer.verifier)
        let raw = try signer.sign([1, 2, 3])
        #expect(raw.count == 64 && verifier.verify(raw, for: [1, 2, 3]))
        #expect(!verifier.verify([0x30, 0x44] + raw, for: [1, 2, 3]))
    }
}
