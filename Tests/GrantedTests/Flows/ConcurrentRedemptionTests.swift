import Foundation
import Testing
@testable import Granted

/// One code or one refresh token presented by many requests at once: the store's atomic
/// transitions let exactly one through (RFC 6749 §4.1.2; RFC 9700 §4.14.2).
@Suite("Concurrent redemption of one code or refresh token (RFC 6749 §4.1.2; RFC 9700 §4.14.2)")
struct ConcurrentRedemptionTests {
    static let attempts = 100

    /// Runs `attempts` copies of `request` at once and answers every response.
    static func race(
        _ attempts: Int, _ request: @escaping @Sendable () async -> OAuthResponse
    ) async -> [OAuthResponse] {
        await withTaskGroup(of: OAuthResponse.self) { group in
            for _ in 0..<attempts { group.addTask { await request() } }
            var responses: [OAuthResponse] = []
            for await response in group { responses.append(response) }
            return responses
        }
    }

    /// A race goes wrong only in some interleavings, so each test runs it in several rounds.
    static let rounds = 0..<20

    @Test(
        "100 concurrent redemptions of one code: exactly one succeeds, the rest are invalid_grant (RFC 6749 §4.1.2)",
        arguments: rounds)
    func oneCode(round: Int) async throws {
        let flow = CodeFlow()
        let code = try await flow.code()
        let responses = await Self.race(Self.attempts) { await flow.exchange(code) }
        let succeeded = responses.filter { $0.status == 200 }
        #expect(succeeded.count == 1, "round \(round): the first redemption must not be denied")
        #expect(responses.filter { $0.errorCode == "invalid_grant" }.count == Self.attempts - 1, "round \(round)")
        #expect(await flow.exchange(code).errorCode == "invalid_grant")
    }

    @Test("concurrent replays of one code leave none of its tokens working (RFC 6749 §4.1.2, §10.5)")
    func oneCodeTokensRevoked() async throws {
        let flow = CodeFlow()
        let code = try await flow.code()
        let responses = await Self.race(Self.attempts) { await flow.exchange(code) }
        for response in responses where response.status == 200 {
            let tokens = try CodeFlow.Tokens(response)
            #expect(await !flow.verifies(tokens.accessToken))
            #expect(await flow.refresh(try #require(tokens.refreshToken)).errorCode == "invalid_grant")
        }
    }

    @Test(
        "100 concurrent refreshes of one rotating refresh token: exactly one succeeds (RFC 9700 §4.14.2)",
        arguments: rounds)
    func oneRefreshToken(round: Int) async throws {
        let flow = CodeFlow()
        let refresh = try #require(try await flow.signIn().refreshToken)
        let responses = await Self.race(Self.attempts) { await flow.refresh(refresh) }
        #expect(responses.filter { $0.status == 200 }.count == 1, "round \(round)")
        #expect(responses.filter { $0.errorCode == "invalid_grant" }.count == Self.attempts - 1, "round \(round)")
    }

    @Test("100 concurrent refreshes by a public client: exactly one succeeds (RFC 9700 §2.2.2, §4.14.2)")
    func oneRefreshTokenPublicClient() async throws {
        var policy = Policy()
        policy.rotatesRefreshTokens = false
        let flow = CodeFlow(policy: policy)
        let refresh = try #require(try await flow.signInNative().refreshToken)
        let responses = await Self.race(Self.attempts) { await flow.refresh(refresh, as: CodeFlow.native) }
        #expect(responses.filter { $0.status == 200 }.count == 1)
    }

    @Test("concurrent redemptions of distinct codes all succeed")
    func distinctCodes() async throws {
        let flow = CodeFlow()
        var codes: [String] = []
        for _ in 0..<20 { codes.append(try await flow.code()) }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for code in codes { group.addTask { await flow.exchange(code).status } }
            var statuses: [Int] = []
            for await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses == Array(repeating: 200, count: codes.count))
    }
}
