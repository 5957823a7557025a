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

    /// A change to one of the published private JWKs (`Vectors`), and the error it must give.
    struct PrivateJWKCase: Sendable, CustomTestStringConvertible {
        let name: String
        let algorithm: String
        /// Members to set; nil removes the member.
        let changes: [String: String?]
        let expected: KeyError
        var testDescription: String { name }

        func json() throws -> [UInt8] {
            let vector = try #require(Vectors.signatures.first { $0.algorithm == algorithm })
            var members = vector.jwk
            for (member, value) in changes { members[member] = value }
            return Array(try JSONSerialization.data(withJSONObject: members))
        }
    }

    /// The public point of the SEC 1 key in `legacyPEM`: on the curve, another key's.
    static let otherP256 = (x: "sYILi_-5AVX9Gv3vTaGZzCt76eNgJhfBoePAiFXVlV8", y: "Yf_knY1WM5967LaYGorIWDhAd5_kvI_9DrDij1Mu_7Q")
    /// A throwaway 1024-bit RSA key (openssl genpkey), as a private JWK and as PKCS #8.
    static let rsa1024 = (
        n: "4fjkyOOM4iUE0_iFLllap0R-ktmm7ucp2f1KgPXFf36WPTrYjBPPEsYO3yN6ADeXVs76kGLcSRcxM0NQHo4uOswuJ0eG4Q11l_yb9gEXkHHAKi5Me4fHeo0WPYreBF1eOpTVUE8prLo6vap6fWHiIIpqoHbKjmkl-5LQeAaO7eU",
        d: "GKEPFpIunctZHl1c7rNQfSCrBwhv-GP7nMXNpAalkwLSDzRlu8bA8BPkNQ_h0To95XlDuA7-YX0EoMi6Z8opYYzGe1WbbybBbZesi_wCXgWXdQ-LfPipt7s-rqG_7HHBZNzB5VQ_Q72g80Jun2drFdnmhISuMUnmWxtVAenEqoE",
        p: "84pkyuXwVxlC0YEjYGsj7SvlwE2pyMXcUK55qVlIvAgQXYOTwAXgmU4Bw6UyTqzGo0DYwUs6OXqET3S-EAvQBQ",
        q: "7YhpEIuyPNhAoPml2C0MyuodZo6WiMG9BfNdFBFb_JbVKf7orBOiYTIWRlAxKWlFzDLndJpRIvWnJ9RjdHdsYQ",
        pem: """
            -----BEGIN PRIVATE KEY-----
            MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAOH45MjjjOIlBNP4
            hS5ZWqdEfpLZpu7nKdn9SoD1xX9+lj062IwTzxLGDt8jegA3l1bO+pBi3EkXMTND
            UB6OLjrMLidHhuENdZf8m/YBF5BxwCouTHuHx3qNFj2K3gRdXjqU1VBPKay6Or2q
            en1h4iCKaqB2yo5pJfuS0HgGju3lAgMBAAECgYAYoQ8Wki6dy1keXVzus1B9IKsH
            CG/4Y/ucxc2kBqWTAtIPNGW7xsDwE+Q1D+HROj3leUO4Dv5hfQSgyLpnyilhjMZ7
            VZtvJsFtl6yL/AJeBZd1D4t8+Km3uz6uob/sccFk3MHlVD9DvaDzQm6fZ2sV2eaE
            hK4xSeZbG1UB6cSqgQJBAPOKZMrl8FcZQtGBI2BrI+0r5cBNqcjF3FCuealZSLwI
            EF2Dk8AF4JlOAcOlMk6sxqNA2MFLOjl6hE90vhAL0AUCQQDtiGkQi7I82ECg+aXY
            LQzK6h1mjpaIwb0F810UEVv8ltUp/uisE6JhMhZGUDEpaUXMMud0mlEi9acn1GN0
            d2xhAkBRxbUkH2K8jAHQgJDVTgQpHWUuVaVdgXoBKSQ2hYETiY2dKJHSluab8wJK
            o8wpeH/Vzu84r76kEAwe9a7fimfVAkBE6S856p1CA6b0TJjtl1w/vh3bdAB+Gl7B
            TDIzsTmTlRqwfVB5I5UXR5WovnkUv4LNU/NMI7zoPIZLCtXzovXhAkB54egJBxqx
            3cZtSq32pib2s1bhacCeGeOgvE3KQiEpvOUdCuWkx8N6CFpdxTGNqxExTT/UGiXk
            u2tQNtsYfRQj
            -----END PRIVATE KEY-----
            """
    )

    static let privateJWKCases: [PrivateJWKCase] = [
        .init(name: "EC: another key's x and y", algorithm: "ES256",
              changes: ["x": otherP256.x, "y": otherP256.y], expected: .inconsistentJWK),
        .init(name: "EC: another key's y only (off the curve)", algorithm: "ES256",
              changes: ["y": otherP256.y], expected: .inconsistentJWK),
        .init(name: "EC: x and y swapped (off the curve)", algorithm: "ES256",
              changes: ["x": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "y": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"],
              expected: .inconsistentJWK),
        .init(name: "EC: no y", algorithm: "ES256", changes: ["y": nil], expected: .invalidJWK(member: "y")),
        .init(name: "EC: P-384", algorithm: "ES256", changes: ["crv": "P-384"], expected: .invalidJWK(member: "crv")),
        .init(name: "EC: no crv", algorithm: "ES256", changes: ["crv": nil], expected: .invalidJWK(member: "crv")),
        .init(name: "EC: d of the wrong length", algorithm: "ES256", changes: ["d": "AAEC"], expected: .invalidJWK(member: "d")),
        .init(name: "OKP: another key's x", algorithm: "EdDSA",
              changes: ["x": "XzjDW8ZGUT3tPQJ4W49zhJM82uQfrtn1pus-RyqrKco"], expected: .inconsistentJWK),
        .init(name: "OKP: X25519", algorithm: "EdDSA", changes: ["crv": "X25519"], expected: .invalidJWK(member: "crv")),
        .init(name: "OKP: Ed448", algorithm: "EdDSA", changes: ["crv": "Ed448"], expected: .invalidJWK(member: "crv")),
        .init(name: "no d", algorithm: "EdDSA", changes: ["d": nil], expected: .invalidJWK(member: "d")),
        .init(name: "d not base64url", algorithm: "RS256", changes: ["d": "*"], expected: .invalidJWK(member: "d")),
        .init(name: "oct", algorithm: "EdDSA", changes: ["kty": "oct"], expected: .unsupportedKey),
        .init(name: "RSA: 1024 bits", algorithm: "RS256",
              changes: ["n": rsa1024.n, "e": "AQAB", "d": rsa1024.d, "p": rsa1024.p, "q": rsa1024.q],
              expected: .rsaKeyTooSmall(bits: 1024)),
        .init(name: "RSA: no p", algorithm: "RS256", changes: ["p": nil], expected: .invalidJWK(member: "p")),
        .init(name: "RSA: another key's p and q", algorithm: "RS256",
              changes: ["p": rsa1024.p, "q": rsa1024.q], expected: .rejectedByCryptoLibrary),
    ]

    @Test("a private JWK is refused with the error that names what to fix", arguments: privateJWKCases)
    func privateJWKRefused(_ refusal: PrivateJWKCase) throws {
        let json = try refusal.json()
        #expect(throws: refusal.expected) { try PrivateSigningKey(jwk: json) }
    }

    @Test("the published private JWKs themselves are read", arguments: ["RS256", "ES256", "EdDSA"])
    func privateJWKRead(algorithm: String) throws {
        let unchanged = PrivateJWKCase(name: "", algorithm: algorithm, changes: [:], expected: .unsupportedKey)
        #expect(try PrivateSigningKey(jwk: unchanged.json()).defaultAlgorithm == JWSAlgorithm(rawValue: algorithm))
    }

    @Test("an off-curve public point is refused as a public JWK too")
    func offCurvePublicJWK() throws {
        let vector = try #require(Vectors.signatures.first { $0.algorithm == "ES256" })
        let x = try #require(vector.jwk["x"].flatMap(Base64URL.decode))
        var y = try #require(vector.jwk["y"].flatMap(Base64URL.decode))
        #expect(throws: Never.self) { try PublicSigningKey(jwk: JWK(.ec(curve: .p256, x: x, y: y))) }
        y[31] ^= 1
        #expect(throws: KeyError.invalidJWK(member: "x")) { try PublicSigningKey(jwk: JWK(.ec(curve: .p256, x: x, y: y))) }
    }

    @Test("a 1024-bit RSA PEM is refused as too small (RFC 7518 §3.3), private and public")
    func smallRSAPEM() throws {
        #expect(throws: KeyError.rsaKeyTooSmall(bits: 1024)) { try PrivateSigningKey(pem: Self.rsa1024.pem) }
        #expect(throws: KeyError.rsaKeyTooSmall(bits: 1024)) { try AsymmetricSigner(pem: Self.rsa1024.pem) }
    }

    @Test("descriptions and mirrors never show key material")
    func noKeyMaterialInDescriptions() throws {
        let signer = try AsymmetricSigner.generate(.es256)
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!dumped.contains("PrivateKey") && !String(describing: signer).contains("P256"))
    }
}
