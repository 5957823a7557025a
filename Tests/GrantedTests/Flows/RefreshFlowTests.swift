import Foundation
import Testing
@testable import Granted

@Suite("Refresh tokens, end to end (RFC 6749 §6; RFC 9700 §4.14)")
struct RefreshFlowTests {
    @Test("a refresh token buys a new access token and, rotated, a new refresh token (RFC 6749 §6; RFC 9700 §4.14.2)")
    func refreshRotates() async throws {
        let flow = CodeFlow()
        let first = try await flow.signIn(scope: "public profile")
        let refresh = try #require(first.refreshToken)
        flow.clock.advance(by: 60)

        let second = try CodeFlow.Tokens(await flow.refresh(refresh))
        #expect(second.tokenType == "Bearer")
        #expect(second.expiresIn == 14 * 24 * 3600)
        #expect(second.scope == "profile public")
        let rotated = try #require(second.refreshToken)
        #expect(rotated != refresh)
        #expect(rotated.hasPrefix("grt_"))
        #expect(second.accessToken != first.accessToken)

        let grant = try #require(await flow.check(second.accessToken).grant)
        #expect(grant.subject == CodeFlow.alice)
        #expect(grant.client == CodeFlow.webApp.clientID)
        #expect(grant.scopes == [.public, .profile])
        #expect(grant.expiresAt == flow.clock.now + 14 * 24 * 3600)
        #expect(await flow.verifies(first.accessToken), "a refresh does not end earlier access tokens")
    }

    @Test(
        "each rotated refresh token works once, generation after generation (RFC 9700 §4.14.2)",
        arguments: [1, 2, 5, 10])
    func rotationChain(generations: Int) async throws {
        let flow = CodeFlow()
        var refresh = try #require(try await flow.signIn().refreshToken)
        for _ in 0..<generations {
            flow.clock.advance(by: 3600)
            let tokens = try CodeFlow.Tokens(await flow.refresh(refresh))
            #expect(await flow.verifies(tokens.accessToken))
            refresh = try #require(tokens.refreshToken)
        }
    }

    @Test("an access token refreshed after the first expired works (RFC 6749 §1.5)")
    func refreshAfterAccessTokenExpiry() async throws {
        let flow = CodeFlow()
        let first = try await flow.signIn()
        flow.clock.advance(by: 15 * 24 * 3600)
        #expect(await !flow.verifies(first.accessToken))
        let second = try CodeFlow.Tokens(await flow.refresh(try #require(first.refreshToken)))
        #expect(await flow.verifies(second.accessToken))
    }

    @Test("without rotation a confidential client keeps its refresh token (RFC 6749 §6)")
    func withoutRotation() async throws {
        var policy = Policy()
        policy.rotatesRefreshTokens = false
        let flow = CodeFlow(policy: policy)
        let refresh = try #require(try await flow.signIn().refreshToken)
        for _ in 0..<3 {
            let tokens = try CodeFlow.Tokens(await flow.refresh(refresh))
            #expect(tokens.refreshToken == nil || tokens.refreshToken == refresh)
            #expect(await flow.verifies(tokens.accessToken))
        }
    }

    @Test("a narrower scope is granted for one refresh; omitted, the original scope returns (RFC 6749 §6)")
    func narrowerThenOriginal() async throws {
        let flow = CodeFlow()
        let first = try await flow.signIn(scope: "public profile email")
        let narrowed = try CodeFlow.Tokens(await flow.refresh(try #require(first.refreshToken), scope: "email"))
        #expect(narrowed.scope == "email")
        #expect(await flow.check(narrowed.accessToken).grant?.scopes == [.email])
        #expect(await flow.check(narrowed.accessToken, requiring: [.profile]).response?.status == 403)

        let restored = try CodeFlow.Tokens(await flow.refresh(try #require(narrowed.refreshToken)))
        #expect(restored.scope == "email profile public")
    }

    @Test("a public client refreshes with its client_id alone, rotating (RFC 6749 §6, §2.1; RFC 9700 §2.2.2)")
    func publicClient() async throws {
        let flow = CodeFlow()
        let first = try await flow.signInNative()
        let refresh = try #require(first.refreshToken)
        let second = try CodeFlow.Tokens(await flow.refresh(refresh, as: CodeFlow.native))
        #expect(second.refreshToken != nil)
        #expect(second.refreshToken != refresh)
        #expect(await flow.check(second.accessToken).grant?.client == CodeFlow.nativeApp)
    }
}
