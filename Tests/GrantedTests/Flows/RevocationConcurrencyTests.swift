import Foundation
import Testing
@testable import Granted

/// Revocation while the token is in use (RFC 7009 §2.1: "The invalidation takes place
/// immediately, and the token cannot be used again after the revocation"): 50 tasks verify the
/// token through the resource guard in a loop while the client revokes it.
@Suite("Revocation racing verification (RFC 7009 §2.1)", .serialized)
struct RevocationConcurrencyTests {
    static let workers = 50
    /// A race goes wrong only in some interleavings, so each test runs it in several rounds.
    static let rounds = 0..<8

    /// Which token the client revokes while the access token is being verified.
    enum Revoked: String, CaseIterable, Sendable {
        case accessToken, refreshToken
    }

    @Test(
        "RFC 7009 §2.1: no verification that starts after revoke returned succeeds; introspection and refresh refuse too",
        arguments: Revoked.allCases, rounds)
    func revokeWhileVerifying(_ revoked: Revoked, round: Int) async throws {
        let flow = RevocationFlow()
        let tokens = try await flow.signIn()
        let access = tokens.accessToken
        let refresh = try #require(tokens.refreshToken)
        let race = await RevocationRace.run(workers: Self.workers) {
            await flow.verifies(access)
        } revoke: {
            await flow.revoke(revoked == .accessToken ? access : refresh, as: CodeFlow.web)
        }

        #expect(race.response.status == 200, "round \(round)")
        #expect(!race.finishedBefore.isEmpty && race.succeededBefore, "round \(round)")
        #expect(!race.startedAfter.isEmpty, "round \(round): nothing verified after the revocation")
        #expect(race.lateSuccesses == 0, "round \(round): late verifications succeeded")

        #expect(await flow.introspect(access).bodyText == RevocationFlow.inactiveBody, "round \(round)")
        if revoked == .refreshToken {
            #expect(await flow.introspect(refresh).bodyText == RevocationFlow.inactiveBody, "round \(round)")
            #expect(await flow.refresh(refresh).errorCode == "invalid_grant", "round \(round)")
        }
    }

    @Test(
        "RFC 7009 §2.1: no introspection that starts after revoke returned calls the token active",
        arguments: Revoked.allCases, rounds)
    func revokeWhileIntrospecting(_ revoked: Revoked, round: Int) async throws {
        let flow = RevocationFlow()
        let tokens = try await flow.signIn()
        let refresh = try #require(tokens.refreshToken)
        let token = revoked == .accessToken ? tokens.accessToken : refresh
        let race = await RevocationRace.run(workers: Self.workers, warmUp: 100, cooldown: 200) {
            (try? await flow.isActive(token)) == true
        } revoke: {
            await flow.revoke(token, as: CodeFlow.web)
        }
        #expect(race.response.status == 200, "round \(round)")
        #expect(race.succeededBefore, "round \(round)")
        #expect(!race.startedAfter.isEmpty, "round \(round)")
        #expect(race.lateSuccesses == 0, "round \(round)")
    }

    @Test(
        "RFC 7009 §2.1: refreshes racing the revocation of their refresh token mint no access token that works afterwards",
        arguments: rounds)
    func refreshWhileRevoking(round: Int) async throws {
        // Without rotation the same refresh token can be used by many requests at once.
        var policy = Policy()
        policy.rotatesRefreshTokens = false
        let flow = RevocationFlow(policy: policy)
        let refresh = try #require(try await flow.signIn().refreshToken)
        let minted = MintedTokens()
        let race = await RevocationRace.run(workers: 20, warmUp: 40, cooldown: 80) {
            let response = await flow.refresh(refresh)
            guard response.status == 200, let tokens = try? CodeFlow.Tokens(response) else { return false }
            minted.append(tokens.accessToken)
            return true
        } revoke: {
            await flow.revoke(refresh, as: CodeFlow.web)
        }
        #expect(race.response.status == 200, "round \(round)")
        #expect(race.succeededBefore, "round \(round)")
        #expect(!race.startedAfter.isEmpty, "round \(round)")
        #expect(race.lateSuccesses == 0, "round \(round)")
        let tokens = minted.values
        #expect(!tokens.isEmpty)
        for token in tokens {
            #expect(await !flow.verifies(token), "round \(round): an access token minted during the race still works")
        }
    }
}
