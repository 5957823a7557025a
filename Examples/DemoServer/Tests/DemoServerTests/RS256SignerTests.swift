import Crypto
import DemoServer
import Foundation
import Granted
import Testing
import _CryptoExtras

@Suite("the RS256 signer plugged into Granted's Signer seam")
struct RS256SignerTests {
    @Test("its JWK is public, and its kid is the RFC 7638 thumbprint")
    func jwk() throws {
        let signer = try DemoHarness.sharedSigner.get()
        let published = try #require(signer.publicJWK)
        #expect(published.algorithm == .rs256 && published.use == .signature)
        #expect(try JWK(json: published.json) == published)
        #expect(try SigningKeys(active: signer).jwkSet.keys == [published])
        let jwk = try #require(try JSONSerialization.jsonObject(with: Data(published.json)) as? [String: String])
        #expect(Set(jwk.keys) == ["kty", "kid", "use", "alg", "n", "e"])
        let thumbprintInput = #"{"e":"\#(jwk["e"] ?? "")","kty":"RSA","n":"\#(jwk["n"] ?? "")"}"#
        #expect(jwk["kid"] == Base64URL.encode(Array(Crypto.SHA256.hash(data: Array(thumbprintInput.utf8)))))
        #expect(signer.keyID == jwk["kid"])
        #expect(!String(describing: signer).contains("PRIVATE"))
    }

    @Test("a key loaded from PEM signs what its public key verifies")
    func pemRoundTrip() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("demo-key-\(UUID()).pem").path
        try key.pemRepresentation.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let signer = try RS256Signer.load(pemFile: path)
        let input = Array("eyJhbGciOiJSUzI1NiJ9.e30".utf8)
        let signature = try signer.sign(input)
        #expect(signature.count == 256)
        #expect(
            key.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Crypto.SHA256.hash(data: input),
                padding: .insecurePKCS1v1_5))
        let verifier = try #require(signer.verifier)
        #expect(verifier.verify(signature, for: input))
        #expect(!verifier.verify(signature, for: input + [0x2E]))
        let again = try RS256Signer.load(pemFile: path)
        #expect(again.keyID == signer.keyID, "the kid follows the key, not the start")
    }

    @Test("a missing or non-RSA key file is refused with its path", arguments: ["missing", "garbage"])
    func badKeyFile(_ kind: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("demo-key-\(UUID()).pem").path
        if kind == "garbage" {
            try "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".write(toFile: path, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: RS256Signer.KeyError.self) { try RS256Signer.load(pemFile: path) }
    }
}
