import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// Outside review, finding 11: a grace retry minted yet another refresh token, stranding the one
/// the first answer carried (RFC 9700 §4.14.2).
@Suite("Outside review 11: grace retries converge on one refresh token (RFC 9700 §4.14.2)")
struct RefreshRetryTests {
    static func policy() -> Policy {
        var policy = Policy()
        policy.refreshTokenGracePeriod = 10
        return policy
    }

    @Test(
        "RFC 9700 §4.14.2: two holders of one refresh token both refresh inside the grace window, get the same next token, and keep going",
        arguments: [0, 3, 9])
    func twoHoldersConverge(afterSeconds seconds: Int) async throws {
        let flow = CodeFlow(policy: Self.policy())
        var shared = try #require(try await flow.signIn().refreshToken)
        for _ in 0..<4 {
            let first = try CodeFlow.Tokens(await flow.refresh(shared))
            flow.clock.advance(by: TimeInterval(seconds))
            let second = try CodeFlow.Tokens(await flow.refresh(shared))
            let next = try #require(first.refreshToken)
            #expect(second.refreshToken == next, "both holders hold the same next token")
            #expect(second.accessToken != first.accessToken)
            #expect(await flow.verifies(first.accessToken))
            #expect(await flow.verifies(second.accessToken))
            shared = next
            flow.clock.advance(by: 60)
        }
    }

    @Test("RFC 9700 §4.14.2: two servers sharing a store and a ServerKey answer a retry with the same token")
    func serversSharingAKey() async throws {
        let key = ServerKey(random: SystemRandom())
        let store = InMemoryGrantStore()
        let clock = ManualClock(TestServer.start)
        let clients = TestServer.clients()
        for client in CodeFlow.clients() { clients.register(client) }
        let servers = (0..<2).map { _ in
            AuthorizationServer(
                issuer: TestServer.issuer, policy: Self.policy(), clients: clients, store: store, clock: clock,
                serverKey: key)
        }
        let validation = await servers[0].validate(OAuthRequest(method: .get, target: CodeFlow.target(CodeFlow.codeRequest())))
        let request = try #require(validation.request)
        let redirect = try CodeFlow.Redirect(await servers[0].approve(request, subject: CodeFlow.alice, authTime: clock.now))
        let code = try #require(redirect["code"])
        let tokens = try CodeFlow.Tokens(
            await servers[1].token(
                CodeFlow.web.tokenRequest([
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", CodeFlow.webAppRedirect),
                ])))
        let refresh = try #require(tokens.refreshToken)
        let answers = try await servers.asyncMap { server in
            try CodeFlow.Tokens(
                await server.token(CodeFlow.web.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh)])))
        }
        #expect(answers[0].refreshToken == answers[1].refreshToken)
    }

    @Test("RFC 9700 §4.14.2: outside the grace window the rotated-out token is still reuse and revokes the family")
    func reuseOutsideWindowUnchanged() async throws {
        let flow = CodeFlow(policy: Self.policy())
        let old = try #require(try await flow.signIn().refreshToken)
        let next = try CodeFlow.Tokens(await flow.refresh(old))
        flow.clock.advance(by: 10)
        #expect(await flow.refresh(old).errorCode == "invalid_grant")
        #expect(await !flow.verifies(next.accessToken))
        #expect(await flow.refresh(try #require(next.refreshToken)).errorCode == "invalid_grant")
    }

    @Test("RFC 9700 §4.14.2: the next refresh token is not stored in plaintext: the store holds only digests")
    func nothingInPlaintext() async throws {
        let flow = CodeFlow(policy: Self.policy())
        let old = try #require(try await flow.signIn().refreshToken)
        let next = try #require(try CodeFlow.Tokens(await flow.refresh(old)).refreshToken)
        let familyID = try #require(try await flow.store.familyID(forRefreshToken: SHA256.hash(next)))
        let family = try #require(try await flow.store.family(familyID)).family
        #expect(family.current == SHA256.hash(next))
        #expect(!String(describing: family).contains(next))
    }
}

extension Array where Element: Sendable {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
