import Foundation
import Granted
import GrantedTesting
import Testing

@testable import GrantedCrypto

/// Seeded property tests for what a client or an operator controls: a registered `jwks` or a
/// DPoP proof's `jwk` (`CryptoKeyVerification`), an assertion's signature bytes (each verifier),
/// a private JWK and PEM text. Whatever the bytes, the answer is nil, `false` or a `KeyError`,
/// never a trap; and what is accepted is a key that works.
@Suite("Malformed keys, signatures and PEM: refused, never a trap")
struct MalformedKeyPropertyTests {
    static let seeds: Range<UInt64> = 0..<500
    static let asymmetric: [JWSAlgorithm] = [.rs256, .ps256, .es256, .edDSA]
    /// What a client's header may ask for: the four, and ones no verifier may answer.
    static let asked: [JWSAlgorithm] = asymmetric + [.hs256, JWSAlgorithm(rawValue: "none"), JWSAlgorithm(rawValue: "ES384")]

    // MARK: - Generators

    /// Random bytes; lengths cluster at the sizes keys and signatures have, and one off them.
    static func bytes(_ random: inout SplitMix64, maximum: Int = 600) -> [UInt8] {
        let lengths = [0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 257, 512, 513]
        let count = Bool.random(using: &random)
            ? lengths[Int.random(in: lengths.indices, using: &random)] : Int.random(in: 0...maximum, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Array(repeating: 0, count: count)
        case 1: return Array(repeating: 0xff, count: count)
        default: return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
    }

    /// `bytes` changed once: a bit flipped, truncated, extended, zeroed, or replaced.
    static func mutated(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<7, using: &random) {
        case 0 where !out.isEmpty:
            let index = Int.random(in: out.indices, using: &random)
            out[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1 where !out.isEmpty:
            out.removeLast(Int.random(in: 1...out.count, using: &random))
        case 2:
            out.append(UInt8.random(in: 0...255, using: &random))
        case 3:
            out.insert(0, at: 0)
        case 4 where !out.isEmpty:
            let index = Int.random(in: out.indices, using: &random)
            out.replaceSubrange(index..., with: repeatElement(0, count: out.count - index))
        case 5:
            out = [0x30, UInt8(truncatingIfNeeded: out.count)] + out  // DER around R ‖ S
        default:
            out = Self.bytes(&random)
        }
        return out
    }

    static func element<T>(_ choices: [T], _ random: inout SplitMix64) -> T {
        choices[Int.random(in: choices.indices, using: &random)]
    }

    /// Real public keys, one per family, to mutate.
    static let realKeys: [JWK.Key] = Vectors.signatures.compactMap { try? JWK(json: $0.publicJWKJSON).key }

    /// A public key with random members: random or near-real RSA `n` and `e`, EC `crv`, `x`, `y`,
    /// OKP `crv`, `x`, `oct`.
    static func randomKey(_ random: inout SplitMix64) -> JWK.Key {
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            var modulus = bytes(&random)
            if Bool.random(using: &random), !modulus.isEmpty { modulus[0] |= 0x80 }
            if Bool.random(using: &random), !modulus.isEmpty { modulus[modulus.count - 1] |= 1 }
            let exponents: [[UInt8]] = [[], [0], [1], [2], [3], [1, 0, 1], [0, 1, 0, 1], Array(repeating: 0xff, count: 9)]
            let exponent = Bool.random(using: &random) ? element(exponents, &random) : bytes(&random, maximum: 40)
            return .rsa(modulus: modulus, exponent: exponent)
        case 1:
            let curves: [JWK.Curve] = [.p256, .p256, .p384, .p521, .ed25519, JWK.Curve(rawValue: "")]
            return .ec(curve: element(curves, &random), x: bytes(&random, maximum: 70), y: bytes(&random, maximum: 70))
        case 2:
            let curves: [JWK.Curve] = [.ed25519, .ed25519, .x25519, .ed448, .p256]
            return .okp(curve: element(curves, &random), x: bytes(&random, maximum: 70))
        case 3:
            return .oct(key: bytes(&random))
        default:
            guard !realKeys.isEmpty else { return .oct(key: []) }
            switch element(realKeys, &random) {
            case .rsa(let modulus, let exponent):
                return Bool.random(using: &random)
                    ? .rsa(modulus: mutated(modulus, &random), exponent: exponent)
                    : .rsa(modulus: modulus, exponent: mutated(exponent, &random))
            case .ec(let curve, let x, let y):
                return Bool.random(using: &random)
                    ? .ec(curve: curve, x: mutated(x, &random), y: y) : .ec(curve: curve, x: x, y: mutated(y, &random))
            case .okp(let curve, let x):
                return .okp(curve: curve, x: mutated(x, &random))
            case .oct(let key):
                return .oct(key: key)
            }
        }
    }

    static func randomJWK(_ random: inout SplitMix64) -> JWK {
        var jwk = JWK(randomKey(&random))
        jwk.algorithm = Bool.random(using: &random) ? nil : element(asked, &random)
        jwk.use = element([nil, .signature, .encryption], &random)
        jwk.operations = element([nil, [.verify], [.sign], []], &random)
        return jwk
    }

    // MARK: - Public JWKs and signatures

    @Test("a public JWK of random members gives no verifier, or one that is allowed and refuses random signatures",
          arguments: seeds)
    func randomPublicJWK(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let jwk = Self.randomJWK(&random)
        if let key = try? PublicSigningKey(jwk: JWK(jwk.key)) {
            // What was accepted is a key that publishes and reads back as itself.
            #expect(try PublicSigningKey(jwk: JWK(key.jwkKey)).thumbprint == key.thumbprint, "seed \(seed)")
        }
        for algorithm in Self.asked {
            guard let verifier = CryptoKeyVerification().verifier(for: jwk, algorithm: algorithm) else { continue }
            let key = try? PublicSigningKey(jwk: jwk)
            #expect(key.map { AsymmetricVerifier.key($0, carries: algorithm) } == true, "seed \(seed)")
            #expect(jwk.algorithm.map { $0 == algorithm } ?? true, "seed \(seed)")
            #expect(jwk.use.map { $0 == .signature } ?? true, "seed \(seed)")
            #expect(jwk.operations.map { $0.contains(.verify) } ?? true, "seed \(seed)")
            let input = Self.bytes(&random, maximum: 100)
            #expect(!verifier.verify(Self.bytes(&random), for: input), "seed \(seed): \(algorithm.rawValue)")
        }
    }

    /// One signer per algorithm (RS256 and PS256 on one RSA key) and its signature of a fixed
    /// input: signing under a debug build is slow, mutating is not.
    static let signed: [(signer: AsymmetricSigner, input: [UInt8], signature: [UInt8])] = asymmetric.compactMap { algorithm in
        guard let key = try? SignerTests.key(for: algorithm), let signer = try? AsymmetricSigner(key: key, algorithm: algorithm)
        else { return nil }
        let input = Array("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9".utf8)
        return (try? signer.sign(input)).map { (signer, input, $0) }
    }

    @Test("random and mutated signatures never verify, for RS256, PS256, ES256 and EdDSA", arguments: seeds)
    func randomSignatures(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        #expect(Self.signed.map(\.signer.algorithm) == Self.asymmetric)
        for (signer, input, genuine) in Self.signed {
            let verifier = try #require(signer.verifier as? AsymmetricVerifier)
            #expect(verifier.verify(genuine, for: input), "the property is not vacuous")
            let forged = Bool.random(using: &random) ? Self.mutated(genuine, &random) : Self.bytes(&random)
            if forged != genuine {
                #expect(!verifier.verify(forged, for: input), "seed \(seed): \(signer.algorithm.rawValue)")
            }
            let other = Self.mutated(input, &random)
            if other != input {
                #expect(!verifier.verify(genuine, for: other), "seed \(seed): \(signer.algorithm.rawValue)")
            }
            // RSA signs for both of its algorithms; the other padding never verifies.
            if signer.algorithm == .rs256 || signer.algorithm == .ps256 {
                let crossed = try AsymmetricVerifier(
                    key: verifier.key, algorithm: signer.algorithm == .rs256 ? .ps256 : .rs256, keyID: nil)
                #expect(!crossed.verify(genuine, for: input), "seed \(seed)")
            }
        }
    }

    // MARK: - Private JWKs

    struct PublicMembers: Decodable {
        let n: String?, e: String?, x: String?, y: String?
    }

    static let privateMembers = ["kty", "crv", "n", "e", "d", "p", "q", "x", "y"]

    @Test("a private JWK with random members is refused, or is a key whose public members are the JWK's and which signs",
          arguments: seeds)
    func randomPrivateJWK(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let vector = Self.element(Vectors.signatures, &random)
        var members: [String: Any] = vector.jwk
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let member = Self.element(Self.privateMembers, &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: members[member] = nil
            case 1: members[member] = Base64URL.encode(Self.bytes(&random))
            case 2:
                let value = (members[member] as? String).flatMap(Base64URL.decode) ?? []
                members[member] = Base64URL.encode(Self.mutated(value, &random))
            case 3: members[member] = Self.element(["", "RSA", "EC", "OKP", "oct", "P-256", "P-384", "Ed25519", "X25519", "*"], &random)
            case 4: members[member] = Int.random(in: -1...1, using: &random)
            default: members[member] = Self.element(Vectors.signatures, &random).jwk[member]
            }
        }
        let json = Bool.random(using: &random)
            ? Array(try JSONSerialization.data(withJSONObject: members)) : Self.mutated(vector.jwkJSON, &random)
        guard let key = try? PrivateSigningKey(jwk: json) else { return }
        // Read as the key was (JSONDecoder skips members it does not decode, bytes and all).
        let object = try JSONDecoder().decode(PublicMembers.self, from: Data(json))
        let given = { (member: KeyPath<PublicMembers, String?>) in object[keyPath: member].flatMap(Base64URL.decode) }
        switch key.publicKey.jwkKey {
        case .rsa(let modulus, let exponent):
            let minimal = { (member: KeyPath<PublicMembers, String?>) in given(member).map { Array($0.drop(while: { byte in byte == 0 })) } }
            #expect(minimal(\.n) == modulus && minimal(\.e) == exponent, "seed \(seed)")
        case .ec(_, let x, let y):
            #expect(given(\.x) == x && given(\.y) == y, "seed \(seed)")
        case .okp(_, let x):
            #expect(given(\.x) == x, "seed \(seed)")
        case .oct:
            Issue.record("seed \(seed): a private JWK read as oct")
        }
        let signer = try AsymmetricSigner(key: key)
        let signature = try signer.sign([1, 2, 3])
        #expect(try #require(signer.verifier).verify(signature, for: [1, 2, 3]), "seed \(seed)")
    }
}
