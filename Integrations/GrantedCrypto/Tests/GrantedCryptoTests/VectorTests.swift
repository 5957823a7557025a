import Foundation
import Granted
import GrantedCrypto
import Testing

@Suite("Published JWS vectors (RFC 7515 A.2, A.3; RFC 7520 §4.1; RFC 8037 A)")
struct VectorTests {
    @Test("the vector file loads, with all three key families")
    func vectorsLoad() throws {
        let file = try Vectors.file()
        #expect(Set(file.signatures.map(\.algorithm)) == ["RS256", "ES256", "EdDSA"])
    }

    @Test("the RFC's signature verifies under its public JWK", arguments: Vectors.signatures)
    func verifies(_ vector: Vectors.Signature) throws {
        let jwk = try JWK(json: vector.publicJWKJSON)
        let algorithm = JWSAlgorithm(rawValue: vector.algorithm)
        let verifier = try #require(CryptoKeyVerification().verifier(for: jwk, algorithm: algorithm))
        let parts = try #require(vector.parts)
        let signature = try #require(Base64URL.decode(parts.signature))
        #expect(verifier.verify(signature, for: parts.signingInput))
        var tampered = signature
        tampered[tampered.count / 2] ^= 1
        #expect(!verifier.verify(tampered, for: parts.signingInput))
        #expect(JWS.verify(vector.compact, expecting: algorithm, verifiers: [verifier]) != nil)
    }

    @Test("the private JWK signs: deterministic algorithms give the RFC's bytes", arguments: Vectors.signatures)
    func signs(_ vector: Vectors.Signature) throws {
        let key = try PrivateSigningKey(jwk: vector.jwkJSON)
        let algorithm = JWSAlgorithm(rawValue: vector.algorithm)
        let signer = try AsymmetricSigner(key: key, algorithm: algorithm)
        let parts = try #require(vector.parts)
        let signature = try signer.sign(parts.signingInput)
        #expect(try #require(signer.verifier).verify(signature, for: parts.signingInput))
        #if os(Linux)
        // BoringSSL's Ed25519 is deterministic (RFC 8032 §5.1.6); CryptoKit's is hedged.
        if vector.deterministic { #expect(Base64URL.encode(signature) == parts.signature) }
        #else
        if vector.deterministic && algorithm != .edDSA { #expect(Base64URL.encode(signature) == parts.signature) }
        #endif
    }

    @Test("the signer's public JWK is the RFC's public key")
    func publicJWKMatches() throws {
        for vector in Vectors.signatures {
            let signer = try AsymmetricSigner(
                key: PrivateSigningKey(jwk: vector.jwkJSON), algorithm: JWSAlgorithm(rawValue: vector.algorithm))
            #expect(try signer.publicJWK?.key == JWK(json: vector.publicJWKJSON).key, "\(vector.name)")
        }
    }

    @Test("RFC 8037 A.3: an Ed25519 signer's kid is the thumbprint of its public key")
    func ed25519Thumbprint() throws {
        let vector = try #require(Vectors.signatures.first { $0.algorithm == "EdDSA" })
        let signer = try AsymmetricSigner(key: PrivateSigningKey(jwk: vector.jwkJSON))
        #expect(signer.keyID == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        #expect(signer.publicJWK?.keyID == signer.keyID)
    }
}
