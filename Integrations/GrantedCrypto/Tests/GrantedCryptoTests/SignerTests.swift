import Foundation
import Granted
import GrantedCrypto
import Testing

@Suite("AsymmetricSigner and AsymmetricVerifier")
struct SignerTests {
    static let algorithms: [JWSAlgorithm] = [.rs256, .ps256, .es256, .edDSA]
    /// One RSA key for the RSA cases: generating 2048-bit keys is slow.
    static let rsa: PrivateSigningKey? = try? .generate(for: .rs256)

    static func key(for algorithm: JWSAlgorithm) throws -> PrivateSigningKey {
        if algorithm == .rs256 || algorithm == .ps256 { return try #require(rsa) }
        return try .generate(for: algorithm)
    }

    @Test("a signed JWT verifies with the published JWK, and not after tampering", arguments: algorithms)
    func roundTrip(_ algorithm: JWSAlgorithm) throws {
        let signer = try AsymmetricSigner(key: Self.key(for: algorithm), algorithm: algorithm)
        let compact = try JWS.sign(Array(#"{"sub":"alice"}"#.utf8), signer: signer)
        let jwk = try #require(signer.publicJWK)
        #expect(jwk.algorithm == algorithm && jwk.use == .signature && jwk.keyID == jwk.thumbprint)
        let fromJSON = try JWK(json: jwk.json)
        let verifier = try #require(CryptoKeyVerification().verifier(for: fromJSON, algorithm: algorithm))
        #expect(JWS.verify(compact, expecting: algorithm, verifiers: [verifier]) == Array(#"{"sub":"alice"}"#.utf8))
        let tampered = compact.dropLast(2) + (compact.hasSuffix("AA") ? "BA" : "AA")
        #expect(JWS.verify(String(tampered), expecting: algorithm, verifiers: [verifier]) == nil)
    }

    @Test("a PEM private key round-trips through PKCS #8 with the same kid", arguments: algorithms)
    func pemRoundTrip(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(for: algorithm)
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let again = try PrivateSigningKey(pem: key.pem)
        #expect(again.publicKey.thumbprint == key.publicKey.thumbprint)
        let publicAgain = try PublicSigningKey(pem: key.publicKey.pem)
        #expect(publicAgain.thumbprint == key.publicKey.thumbprint)
    }

    @Test("PKCS #1 RSA and SEC 1 EC PEM are read too")
    func legacyPEM() throws {
        guard case .rsa(let rsa) = try Self.key(for: .rs256) else { Issue.record("not RSA"); return }
        #expect(rsa.pemRepresentation.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let fromPKCS1 = try PrivateSigningKey(pem: rsa.pemRepresentation)
        #expect(fromPKCS1.publicKey.thumbprint == PrivateSigningKey.rsa(rsa).publicKey.thumbprint)
        // SEC 1 (RFC 5915), a throwaway test key written by pyca/cryptography (TraditionalOpenSSL).
        let sec1 = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIK7wJd9JLWVXCaGcmpNtdQ63rq+b2BcSp+2Y1l0JXE39oAoGCCqGSM49
            AwEHoUQDQgAEsYILi/+5AVX9Gv3vTaGZzCt76eNgJhfBoePAiFXVlV9h/+SdjVYz
            n3rstpgaishYOEB3n+S8j/0OsOKPUy7/tA==
            -----END EC PRIVATE KEY-----
            """
        let ec = try PrivateSigningKey(pem: sec1)
        #expect(ec.defaultAlgorithm == .es256)
    }

    @Test("a key that cannot carry the algorithm is refused", arguments: [
        (JWSAlgorithm.es256, JWSAlgorithm.rs256), (.edDSA, .es256), (.rs256, .edDSA), (.es256, .hs256), (.rs256, .hs256),
    ])
    func mismatchRefused(keyFor: JWSAlgorithm, signWith: JWSAlgorithm) throws {
        let key = try Self.key(for: keyFor)
        #expect(throws: KeyError.self) { try AsymmetricSigner(key: key, algorithm: signWith) }
    }

    @Test("garbage, other labels and short RSA keys are refused with a typed error")
    func badPEM() {
        #expect(throws: KeyError.notPEM) { try PrivateSigningKey(pem: "hello") }
        #expect(throws: KeyError.unsupportedPEMLabel("CERTIFICATE")) {
            try PrivateSigningKey(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        }
        #expect(throws: KeyError.rsaKeyTooSmall(bits: 8)) {
            try PublicSigningKey(jwk: JWK(.rsa(modulus: [0xff], exponent: [1, 0, 1])))
        }
    }

    @Test("descriptions and mirrors never show key material")
    func noKeyMaterialInDescriptions() throws {
        let signer = try AsymmetricSigner.generate(.es256)
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!dumped.contains("PrivateKey") && !String(describing: signer).contains("P256"))
    }
}
