import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// However requests are sequenced, a DPoP-bound token is used only with a fresh proof of its
/// key for that very request (RFC 9449 §4.3, §7, §11.1).
@Suite("DPoP property: no use without a fresh proof of the key")
struct DPoPPropertyTests {
    static let key = DPoPKey(seed: 71)
    static let thief = DPoPKey(seed: 81)

    enum Attempt: CaseIterable {
        case fresh, replay, otherKey, bearer, bearerWithProof, staleIAT, futureIAT, wrongHTU, wrongHTM, wrongATH,
            noProof, twoProofs, stolenProofOtherToken
    }

    @Test("random sequences of replays, other keys, downgrades, stale iat and wrong htu/htm/ath", arguments: 0..<60)
    func onlyFreshProofsPass(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let fixture = DPoPFixture()
        let token = try #require(
            try await fixture.clientCredentials(Self.key.proof()).jsonObject()["access_token"] as? String)
        // A second bound token of the same key, whose proofs must not work for the first.
        let sibling = try #require(
            try await fixture.clientCredentials(Self.key.proof()).jsonObject()["access_token"] as? String)
        var used: [String] = []  // proofs the guard accepted
        for step in 0..<Int.random(in: 5...25, using: &random) {
            fixture.clock.advance(by: TimeInterval(Int.random(in: 0...20, using: &random)))
            let now = fixture.clock.now
            let attempt = Attempt.allCases.randomElement(using: &random) ?? .fresh
            var authorization = "DPoP \(token)"
            var proofs: [String] = []
            var method = OAuthRequest.Method.get
            switch attempt {
            case .fresh: proofs = [Self.key.resourceProof(token, at: now)]
            case .replay:
                guard let old = used.randomElement(using: &random) else { continue }
                proofs = [old]
            case .otherKey: proofs = [Self.thief.resourceProof(token, at: now)]
            case .bearer: authorization = "Bearer \(token)"
            case .bearerWithProof:
                authorization = "Bearer \(token)"
                proofs = [Self.key.resourceProof(token, at: now)]
            case .staleIAT: proofs = [Self.key.resourceProof(token, at: now - TimeInterval(Int.random(in: 61...600, using: &random)))]
            case .futureIAT: proofs = [Self.key.resourceProof(token, at: now + TimeInterval(Int.random(in: 6...600, using: &random)))]
            case .wrongHTU: proofs = [Self.key.resourceProof(token, uri: DPoPFixture.issuer + "/api/you", at: now)]
            case .wrongHTM:
                proofs = [Self.key.resourceProof(token, at: now)]
                method = .post
            case .wrongATH: proofs = [Self.key.resourceProof(sibling, at: now)]
            case .noProof: break
            case .twoProofs: proofs = [Self.key.resourceProof(token, at: now), Self.key.resourceProof(token, at: now)]
            case .stolenProofOtherToken:
                proofs = [Self.key.resourceProof(token, at: now)]
                authorization = "DPoP \(sibling)"
            }
            let decision = await fixture.resource(authorization, proofs, method: method)
            let allowed = decision.grant != nil
            #expect(allowed == (attempt == .fresh), "seed \(seed) step \(step): \(attempt) allowed: \(allowed)")
            if allowed { #expect(decision.grant?.keyThumbprint == Self.key.thumbprint) }
            // Only an accepted proof is spent: one refused before its jti was recorded (a
            // downgrade, a wrong htm) is still unused, and may be its holder's first use later.
            if allowed { used += proofs }
        }
    }
}
