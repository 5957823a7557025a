import DemoServer
import Foundation
import Granted
import GrantedCrypto
import Testing

@Suite("--signing-key: a PEM key signed with through GrantedCrypto")
struct SigningKeyFileTests {
    @Test("the demo's default key publishes an RS256 JWK whose kid is its RFC 7638 thumbprint")
    func jwk() throws {
        let signer = try DemoHarness.sharedSigner.get()
        let published = try #require(signer.publicJWK)
        #expect(published.algorithm == .rs256 && published.use == .signature)
        #expect(try SigningKeys(active: signer).jwkSet.keys == [published])
        #expect(signer.keyID == published.thumbprint)
        #expect(!String(describing: signer).contains("PRIVATE"))
    }

    @Test("an RSA, P-256 or Ed25519 PEM file signs with RS256, ES256 or EdDSA, with a stable kid",
          arguments: [JWSAlgorithm.rs256, .es256, .edDSA])
    func pemRoundTrip(_ algorithm: JWSAlgorithm) throws {
        let key = try PrivateSigningKey.generate(for: algorithm)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("demo-key-\(UUID()).pem").path
        try key.pem.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let signer = try SigningKeyFile.load(path)
        #expect(signer.algorithm == algorithm)
        let input = Array("eyJhbGciOiJSUzI1NiJ9.e30".utf8)
        let signature = try signer.sign(input)
        let verifier = try #require(signer.verifier)
        #expect(verifier.verify(signature, for: input))
        #expect(!verifier.verify(signature, for: input + [0x2E]))
        #expect(try SigningKeyFile.load(path).keyID == signer.keyID, "the kid follows the key, not the start")
    }

    @Test("a missing or unreadable key file is refused with its path", arguments: ["missing", "garbage"])
    func badKeyFile(_ kind: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("demo-key-\(UUID()).pem").path
        if kind == "garbage" {
            try "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".write(toFile: path, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SigningKeyFile.LoadError.self) { try SigningKeyFile.load(path) }
    }
}
