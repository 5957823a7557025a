import Foundation
import Granted
import GrantedTesting
import Testing

@testable import GrantedCrypto

/// PEM text an operator supplies (`PrivateSigningKey(pem:)`, `PublicSigningKey(pem:)`, RFC 7468):
/// random, and real documents mutated in their DER, base64, lines, labels and characters.
extension MalformedKeyPropertyTests {
    /// Real PEM documents of every label GrantedCrypto reads, to mutate.
    static let realPEMs: [String] = {
        var pems = [SignerTests.rsa1024.pem]
        for algorithm in [JWSAlgorithm.rs256, .es256, .edDSA] {
            guard let key = try? SignerTests.key(for: algorithm) else { continue }
            pems += [key.pem, key.publicKey.pem]
            if case .rsa(let rsa) = key { pems += [rsa.pemRepresentation, rsa.publicKey.pkcs1PEMRepresentation] }
        }
        return pems
    }()

    static let labels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", ""]

    /// A PEM text changed once: in its DER, its base64, its lines, its labels or its characters.
    static func mutatedPEM(_ pem: String, _ random: inout SplitMix64) -> String {
        var lines = pem.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1:
            // The DER changed and written back under the same label: reaches the ASN.1 parsers.
            guard let document = try? PEM.decode(pem) else { return pem }
            return PEM.encode(mutated(document.der, &random), label: document.label)
        case 2:
            guard let document = try? PEM.decode(pem) else { return pem }
            return PEM.encode(document.der, label: element(labels, &random))
        case 3 where lines.count > 2:
            let index = Int.random(in: 1..<(lines.count - 1), using: &random)
            var characters = Array(lines[index])
            if !characters.isEmpty {
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ")
                characters[Int.random(in: characters.indices, using: &random)] = element(alphabet, &random)
            }
            lines[index] = String(characters)
        case 4 where !lines.isEmpty:
            let index = Int.random(in: lines.indices, using: &random)
            if Bool.random(using: &random) { lines.remove(at: index) } else { lines.insert(lines[index], at: index) }
        case 5:
            let text = Array(pem)
            return String(text.prefix(Int.random(in: 0...text.count, using: &random)))
        case 6:
            var text = Array(pem)
            let inserted = ["\r", "\0", "\u{FEFF}", "é", "-", "\n", "-----END PRIVATE KEY-----", "-----BEGIN "]
            text.insert(contentsOf: element(inserted, &random), at: Int.random(in: 0...text.count, using: &random))
            return String(text)
        default:
            return lines.joined(separator: Bool.random(using: &random) ? "\r\n" : "\n\n")
        }
        return lines.joined(separator: "\n")
    }

    /// Text made of PEM's pieces in random order.
    static func randomPEMText(_ random: inout SplitMix64) -> String {
        let pieces = ["-----BEGIN ", "-----END ", "-----", "PRIVATE KEY", "PUBLIC KEY", "\n", "\r\n", " ", "MII", "AAAA", "=", "é"]
            + labels.map { "-----BEGIN \($0)-----\n" } + labels.map { "\n-----END \($0)-----" }
        return (0..<Int.random(in: 0...20, using: &random)).map { _ in element(pieces, &random) }.joined()
            + Base64URL.encode(bytes(&random, maximum: 100))
    }

    @Test("random and mutated PEM text is refused with a KeyError, or read as a key that writes back as itself and signs",
          arguments: seeds)
    func randomPEM(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        #expect(Self.realPEMs.count == 9)
        let text = Bool.random(using: &random)
            ? Self.mutatedPEM(Self.element(Self.realPEMs, &random), &random) : Self.randomPEMText(&random)
        if !text.contains("-----BEGIN ") {
            #expect(throws: KeyError.notPEM) { try PrivateSigningKey(pem: text) }
            #expect(throws: KeyError.notPEM) { try PublicSigningKey(pem: text) }
        }
        if let key = try? PrivateSigningKey(pem: text) {
            #expect(try PrivateSigningKey(pem: key.pem).publicKey.thumbprint == key.publicKey.thumbprint, "seed \(seed)")
            let signer = try AsymmetricSigner(key: key)
            let signature = try signer.sign([1, 2, 3])
            #expect(try #require(signer.verifier).verify(signature, for: [1, 2, 3]), "seed \(seed)")
        }
        if let key = try? PublicSigningKey(pem: text) {
            #expect(try PublicSigningKey(pem: key.pem).thumbprint == key.thumbprint, "seed \(seed)")
        }
    }

    @Test("PEM.decode reads back what PEM.encode wrote, for any DER and label", arguments: seeds)
    func pemRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let der = Self.bytes(&random)
        let label = Self.element(Self.labels.dropLast() + ["X", "A B C", "ENCRYPTED PRIVATE KEY"], &random)
        let document = try PEM.decode(PEM.encode(der, label: label))
        #expect(document.label == label && document.der == der, "seed \(seed)")
    }
}
