import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted
import GrantedTesting

/// However refresh requests are sequenced, a public client's DPoP-bound refresh token is used
/// only with a fresh proof of its key for that very request (RFC 9449 §4.3, §5, §11.1); every
/// refusal leaves the family as it was and issues nothing.
@Suite("DPoP property: a bound refresh token rotates only with a fresh proof of its key")
struct DPoPRefreshPropertyTests {
    static let key = DPoPKey(seed: 91)
    static let thief = DPoPKey(seed: 101)

    enum Attempt: CaseIterable {
        case fresh, noProof, otherKey, replay, staleIAT, wrongHTU, wrongHTM, twoProofs
        /// As a bearer client would send it: no proof, the access token as `Authorization: Bearer`.
        case bearerStyle
    }

    @Test("random sequences of missing, foreign, replayed, stale, misdirected and doubled proofs at /token", arguments: 0..<60)
    func onlyFreshProofsRotate(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let fixture = DPoPFixture()
        let caller = ClientAuth.publicClient(DPoPFixture.spa)
        let code = try await fixture.code(for: DPoPFixture.spa, redirect: DPoPFixture.spaRedirect)
        let exchangeProof = Self.key.proof()
        let issued = try await fixture.exchange(code, as: caller, redirect: DPoPFixture.spaRedirect, exchangeProof)
            .jsonObject()
        var refresh = try #require(issued["refresh_token"] as? String)
        var access = try #require(issued["access_token"] as? String)
        let family = try #require(try await fixture.store.familyID(forRefreshToken: SHA256.hash(refresh)))
        var used = [exchangeProof]  // proofs the server accepted at /token
        var rotations = 0
        for step in 0..<Int.random(in: 5...25, using: &random) {
            fixture.clock.advance(by: TimeInterval(Int.random(in: 0...20, using: &random)))
            let now = fixture.clock.now
            let attempt = Attempt.allCases.randomElement(using: &random) ?? .fresh
            let fresh = { Self.key.proof { $0.iat = now } }
            var proofs: [String] = []
            var request = RequestBuilder.refreshToken(refresh, as: caller)
            switch attempt {
            case .fresh: proofs = [fresh()]
            case .noProof: break
            case .otherKey: proofs = [Self.thief.proof { $0.iat = now }]
            case .replay: proofs = [used.randomElement(using: &random) ?? exchangeProof]
            case .staleIAT:
                let age = TimeInterval(Int.random(in: 61...600, using: &random))
                proofs = [Self.key.proof { $0.iat = now - age }]
            case .wrongHTU: proofs = [Self.key.proof { $0.iat = now; $0.htu = DPoPFixture.issuer + "/revoke" }]
            case .wrongHTM: proofs = [Self.key.proof { $0.iat = now; $0.htm = "GET" }]
            case .twoProofs: proofs = [fresh(), fresh()]
            case .bearerStyle: request.headers.append("Authorization", "Bearer \(access)")
            }
            let before = try await fixture.store.family(family)?.family
            let tokensBefore = fixture.store.accessTokenCount
            let response = await fixture.server.token(DPoPFixture.with(proofs, request))
            let context = "seed \(seed) step \(step): \(attempt) answered \(response.status) \(response.bodyText)"
            if attempt == .fresh {
                #expect(response.status == 200, "\(context)")
                let body = try response.jsonObject()
                #expect(body["token_type"] as? String == "DPoP", "\(context)")
                refresh = try #require(body["refresh_token"] as? String, "\(context)")
                access = try #require(body["access_token"] as? String, "\(context)")
                #expect(try await fixture.store.accessToken(at: SHA256.hash(access))?.token.keyThumbprint == Self.key.thumbprint)
                used += proofs
                rotations += 1
            } else {
                // §5: a missing or bad proof for a bound refresh token is invalid_dpop_proof; an
                // `Authorization` that is not Basic is no client authentication (RFC 6749 §2.3.1);
                // the family and the tokens unchanged.
                if attempt == .bearerStyle {
                    #expect(response.status == 401 && response.errorCode == "invalid_client", "\(context)")
                } else {
                    #expect(response.status == 400 && response.errorCode == "invalid_dpop_proof", "\(context)")
                }
                #expect(try await fixture.store.family(family)?.family == before, "\(context)")
                #expect(fixture.store.accessTokenCount == tokensBefore, "\(context)")
            }
        }
        // Every refusal left the family usable: the key's fresh proof still rotates it.
        fixture.clock.advance(by: 1)
        let last = await fixture.refresh(refresh, as: caller, Self.key.proof { $0.iat = fixture.clock.now })
        #expect(last.status == 200, "seed \(seed), after \(rotations) rotations: \(last.bodyText)")
        #expect(try last.jsonObject()["token_type"] as? String == "DPoP")
    }
}
