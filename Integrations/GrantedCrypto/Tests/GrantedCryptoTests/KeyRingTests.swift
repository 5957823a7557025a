import Foundation
import Granted
import GrantedCrypto
import GrantedTesting
import Testing

@Suite("KeyRing: rotation (OpenID Connect Core §10.1.1)")
struct KeyRingTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let lead: TimeInterval = 600
    static let lifetime: TimeInterval = 3600

    static func ring() throws -> KeyRing {
        KeyRing(active: try AsymmetricSigner.generate(.edDSA), at: t0, publicationLead: lead, longestTokenLifetime: lifetime)
    }

    @Test("a next key is published at once but cannot sign before the publication lead has passed")
    func nextWaits() throws {
        var ring = try Self.ring()
        let next = try AsymmetricSigner.generate(.es256)
        try ring.publish(next, at: Self.t0 + 10)
        #expect(try ring.signingKeys(at: Self.t0 + 10).jwkSet.keys.map(\.keyID).contains(next.keyID))
        #expect(throws: KeyRing.RotationError.nextNotYetPropagated(activatableAt: Self.t0 + 10 + Self.lead)) {
            try ring.rotate(at: Self.t0 + 10 + Self.lead - 1)
        }
        #expect(throws: KeyRing.RotationError.nextAlreadyPublished) {
            try ring.publish(AsymmetricSigner.generate(.edDSA), at: Self.t0 + 20)
        }
        try ring.rotate(at: Self.t0 + 10 + Self.lead)
        #expect(ring.active.keyID == next.keyID)
    }

    @Test("a retired key stays published until its last token has expired plus the margin, then goes",
          arguments: [nil, 0, 1, 60, 300] as [TimeInterval?])
    func retiredKeyKept(margin: TimeInterval?) throws {
        var ring = try margin.map {
            KeyRing(active: try AsymmetricSigner.generate(.edDSA), at: Self.t0, publicationLead: Self.lead,
                    longestTokenLifetime: Self.lifetime, removalMargin: $0)
        } ?? Self.ring()
        let kept = Self.lifetime + (margin ?? 60)
        #expect(ring.removalMargin == margin ?? 60 && KeyRing.defaultRemovalMargin == 60)
        let first = ring.active
        try ring.publish(AsymmetricSigner.generate(.edDSA), at: Self.t0)
        let rotation = Self.t0 + Self.lead
        try ring.rotate(at: rotation)
        #expect(ring.entries.first?.phase == .retired(at: rotation, removeAt: rotation + kept))
        let published = { (t: Date) in try ring.signingKeys(at: t).jwkSet.keys.compactMap(\.keyID) }
        #expect(try published(rotation + kept - 1).contains(first.keyID ?? ""))
        #expect(try !published(rotation + kept).contains(first.keyID ?? ""))
        ring.expire(at: rotation + kept - 1)
        #expect(ring.entries.first?.phase == .retired(at: rotation, removeAt: rotation + kept))
        ring.expire(at: rotation + kept)
        #expect(!ring.entries.contains { $0.signer.keyID == first.keyID && $0.phase != .removed(at: rotation + kept) })
        #expect(throws: KeyRing.RotationError.noNextKey) { try ring.rotate(at: rotation + 2 * kept) }
    }

    @Test("a negative margin counts as none")
    func negativeMargin() throws {
        let ring = KeyRing(
            active: try AsymmetricSigner.generate(.edDSA), at: Self.t0, publicationLead: Self.lead,
            longestTokenLifetime: Self.lifetime, removalMargin: -5)
        #expect(ring.removalMargin == 0)
    }

    @Test("the longest signed token lifetime comes from the policy: ID tokens and JWT access tokens")
    func lifetimeFromPolicy() {
        var policy = Policy()
        policy.idTokenLifetime = 3600
        policy.accessTokenLifetime = 600
        #expect(KeyRing.longestSignedTokenLifetime(policy) == 3600)
        policy.accessTokenLifetime = 7200
        #expect(KeyRing.longestSignedTokenLifetime(policy) == 7200)
        policy.accessTokenLifetime = nil
        #expect(KeyRing.longestSignedTokenLifetime(policy) == .infinity)
    }

    struct Token {
        let compact: String
        let algorithm: JWSAlgorithm
        let keyID: String?
        let expiresAt: Date
    }

    /// The clock leeway of the relying party in `rotationProperty`: the ring's default margin.
    static let relyingPartyLeeway = KeyRing.defaultRemovalMargin

    @Test("under random rotation schedules, every token verifies with the JWK Set until it expires (plus a relying party's leeway of the default margin), and no key signs before it has been published for the lead", arguments: 0..<40)
    func rotationProperty(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        var ring = try Self.ring()
        var now = Self.t0
        var tokens: [Token] = []
        var firstPublished: [String: Date] = [:]
        var initialKeyID = ring.active.keyID
        var checkedRetired = Set<Int>()
        for _ in 0..<60 {
            now += .random(in: 1...(Bool.random(using: &random) ? 60 : 900), using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                try? ring.publish(
                    AsymmetricSigner.generate(Bool.random(using: &random) ? .edDSA : .es256), at: now)
            case 1:
                try? ring.rotate(at: now)
            default:
                let keys = try ring.signingKeys(at: now)
                let keyID = try #require(keys.active.keyID)
                if keyID != initialKeyID {
                    let published = try #require(firstPublished[keyID], "seed \(seed): \(keyID) signed unpublished")
                    #expect(now.timeIntervalSince(published) >= Self.lead, "seed \(seed)")
                }
                let lifetime = Bool.random(using: &random) ? Self.lifetime : .random(in: 1...Self.lifetime, using: &random)
                let compact = try JWS.sign(Array(#"{"n":1}"#.utf8), signer: keys.active)
                tokens.append(
                    Token(compact: compact, algorithm: keys.active.algorithm, keyID: keyID, expiresAt: now + lifetime))
            }
            let set = try JWKSet(json: ring.signingKeys(at: now).jwks)
            for key in set.keys where firstPublished[key.keyID ?? ""] == nil { firstPublished[key.keyID ?? ""] = now }
            let verifiers = CryptoKeyVerification().verifiers(for: set)
            for (index, token) in tokens.enumerated() where now < token.expiresAt + Self.relyingPartyLeeway {
                #expect(
                    JWS.verify(token.compact, expecting: token.algorithm, verifiers: verifiers) != nil,
                    "seed \(seed): a live token no longer verifies at \(now)")
                // Once its key is retired, its removal time is fixed: check the last second the
                // relying party still accepts the token.
                guard token.keyID != ring.active.keyID, checkedRetired.insert(index).inserted else { continue }
                let last = token.expiresAt + Self.relyingPartyLeeway - 1
                let lastSet = try JWKSet(json: ring.signingKeys(at: last).jwks)
                #expect(
                    JWS.verify(token.compact, expecting: token.algorithm, verifiers: CryptoKeyVerification().verifiers(for: lastSet)) != nil,
                    "seed \(seed): a token no longer verifies at \(last), within the leeway")
            }
            initialKeyID = initialKeyID == ring.active.keyID ? initialKeyID : nil
        }
    }
}
