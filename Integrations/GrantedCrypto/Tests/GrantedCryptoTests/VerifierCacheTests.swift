import Granted
import GrantedTesting
import Testing

@testable import GrantedCrypto

@Suite("CryptoKeyVerification keeps the verifiers it built, bounded")
struct VerifierCacheTests {
    private static let signingInput = Array("eyJhbGciOiJFUzI1NiJ9.e30".utf8)

    @Test("a JWK seen again answers the verifier built the first time, which verifies as before", arguments: SignerTests.algorithms)
    func hit(algorithm: JWSAlgorithm) throws {
        let verification = CryptoKeyVerification()
        let signer = try AsymmetricSigner(key: SignerTests.key(for: algorithm), algorithm: algorithm)
        let jwk = try #require(signer.publicJWK)
        let signature = try signer.sign(Self.signingInput)
        let first = try #require(verification.verifier(for: jwk, algorithm: algorithm))
        #expect(verification.cachedCount == 1)
        let second = try #require(verification.verifier(for: jwk, algorithm: algorithm))
        #expect(verification.cachedCount == 1)
        #expect(second.verify(signature, for: Self.signingInput) && first.verify(signature, for: Self.signingInput))
        #expect(!second.verify(signature, for: Self.signingInput + [0x2E]))
    }

    @Test("the same key under another kid, another algorithm, or refused, is answered as if never seen")
    func entriesAreWholeJWKs() throws {
        let verification = CryptoKeyVerification()
        let signer = try AsymmetricSigner(key: SignerTests.key(for: .rs256), algorithm: .rs256)
        var jwk = try #require(signer.publicJWK)
        jwk.algorithm = nil
        let rs = try #require(verification.verifier(for: jwk, algorithm: .rs256))
        let ps = try #require(verification.verifier(for: jwk, algorithm: .ps256))
        #expect(rs.algorithm == .rs256 && ps.algorithm == .ps256)
        var renamed = jwk
        renamed.keyID = "another"
        #expect(try #require(verification.verifier(for: renamed, algorithm: .rs256)).keyID == "another")
        #expect(verification.cachedCount == 3)
        // A rule that refuses is checked before the cache, hit or not.
        var pinned = jwk
        pinned.algorithm = .rs256
        #expect(verification.verifier(for: pinned, algorithm: .ps256) == nil)
        jwk.use = .encryption
        #expect(verification.verifier(for: jwk, algorithm: .rs256) == nil)
        #expect(CryptoKeyVerification(algorithms: [.es256]).verifier(for: renamed, algorithm: .rs256) == nil)
    }

    @Test("never more than its capacity, and the keys used most recently stay (seeded)", arguments: [1, 2] as [UInt64])
    func bounded(seed: UInt64) throws {
        let cache = VerifierCache(capacity: 8)
        let keys = try (0..<40).map { _ in try AsymmetricSigner.generate(.es256) }
        let entries = try keys.map { signer in
            VerifierCache.Entry(jwk: try #require(signer.publicJWK), algorithm: .es256)
        }
        func build(_ index: Int) throws -> AsymmetricVerifier {
            let jwk = entries[index].jwk
            return try AsymmetricVerifier(key: PublicSigningKey(jwk: jwk), algorithm: .es256, keyID: jwk.keyID)
        }
        var random = SplitMix64(seed: seed)
        let favourite = 0
        cache.keep(try build(favourite), for: entries[favourite])
        for _ in 0..<200 {
            let index = 1 + Int(random.next() % 39)
            if cache.verifier(for: entries[index]) == nil { cache.keep(try build(index), for: entries[index]) }
            #expect(cache.verifier(for: entries[favourite]) != nil)  // used every time: never evicted
            #expect(cache.count <= 8)
        }
        // What comes back is the verifier for that key, whatever was evicted around it.
        let signature = try keys[favourite].sign(Self.signingInput)
        #expect(try #require(cache.verifier(for: entries[favourite])).verify(signature, for: Self.signingInput))
    }
}
