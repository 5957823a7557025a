import Granted
import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// Two authorization servers in one process, each with its own connection pool as two host
/// processes would have, on one database: whatever one issues, the other verifies, refreshes,
/// redeems and revokes, and a code is redeemed once however the requests are spread.
@Suite("Two authorization servers on one database", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(3)))
struct TwoServersTests {
    /// Runs `body` with two servers on one fresh schema; the clients are registered in the
    /// database by the first and read from it by both.
    static func withTwoServers(_ body: (ContractFlow, ContractFlow) async throws -> Void) async throws {
        try await TestDatabase.withClient(applicationName: "granted-a") { a in
            try await TestDatabase.withSchema(on: a) { schema in
                let registry = PostgresClientStore(client: a, schema: schema)
                for client in ContractFlow.clients() { try await registry.register(client) }
                try await TestDatabase.withClient(applicationName: "granted-b") { b in
                    let clock = ManualClock(ContractFlow.start)
                    let first = ContractFlow(
                        store: PostgresGrantStore(client: a, schema: schema), clients: registry, clock: clock)
                    let second = ContractFlow(
                        store: PostgresGrantStore(client: b, schema: schema),
                        clients: PostgresClientStore(client: b, schema: schema), clock: clock)
                    try await body(first, second)
                }
            }
        }
    }

    @Test("a client credentials token issued by one is verified and revoked by the other (RFC 6749 §4.4; RFC 7009)")
    func clientCredentials() async throws {
        try await Self.withTwoServers { issuer, verifier in
            let token = try await issuer.issueToken(scope: "public")
            #expect(await verifier.verifies(token))
            #expect(await verifier.revoke(token, as: ContractFlow.service).status == 200)
            #expect(await !verifier.verifies(token))
            #expect(await !issuer.verifies(token), "the issuer sees the revocation")
        }
    }

    @Test("a code flow on one is verified, refreshed and revoked on the other")
    func codeFlow() async throws {
        try await Self.withTwoServers { issuer, other in
            let tokens = try await issuer.signIn()
            #expect(await other.verifies(tokens.accessToken))
            let refresh = try #require(tokens.refreshToken)
            let refreshed = try ContractFlow.Tokens(await other.refresh(refresh))
            #expect(await issuer.verifies(refreshed.accessToken))
            #expect(
                ContractFlow.errorCode(of: await issuer.refresh(refresh)) == "invalid_grant",
                "the rotated-out refresh token is a replay on the issuer too (RFC 9700 §4.14.2)")
            #expect(await !issuer.verifies(refreshed.accessToken), "and the replay revoked the family")

            let again = try await issuer.signIn()
            #expect(try await other.server.revokeAuthorization(
                of: ContractFlow.alice, for: ContractFlow.webApp.clientID))
            #expect(await !issuer.verifies(again.accessToken), "the user's revocation reaches the issuer")
            #expect(ContractFlow.errorCode(of: await issuer.refresh(try #require(again.refreshToken))) == "invalid_grant")
        }
    }

    @Test("a code issued by one is redeemed on the other, and a replay on the first is refused (RFC 6749 §4.1.2)")
    func codeRedeemedElsewhere() async throws {
        try await Self.withTwoServers { issuer, other in
            let code = try await issuer.code(subject: ContractFlow.bob)
            let tokens = try ContractFlow.Tokens(await other.exchange(code))
            #expect(await issuer.verifies(tokens.accessToken))
            #expect(ContractFlow.errorCode(of: await issuer.exchange(code)) == "invalid_grant")
            #expect(await !other.verifies(tokens.accessToken), "the replay revoked what the redemption issued")
        }
    }

    @Test("100 concurrent redemptions of one code split across both servers: exactly one 200", arguments: 0..<5)
    func concurrentRedemption(round: Int) async throws {
        try await Self.withTwoServers { first, second in
            let code = try await first.code()
            let responses = await withTaskGroup(of: OAuthResponse.self) { group in
                for attempt in 0..<100 {
                    let server = attempt.isMultiple(of: 2) ? first : second
                    group.addTask { await server.exchange(code) }
                }
                var responses: [OAuthResponse] = []
                for await response in group { responses.append(response) }
                return responses
            }
            let granted = responses.filter { $0.status == 200 }
            #expect(granted.count == 1, "round \(round)")
            #expect(responses.filter { ContractFlow.errorCode(of: $0) == "invalid_grant" }.count == 99, "round \(round)")
            let tokens = try ContractFlow.Tokens(try #require(granted.first))
            #expect(await !first.verifies(tokens.accessToken), "the replays revoked the winner's tokens")
            #expect(await !second.verifies(tokens.accessToken))
        }
    }

    @Test("50 concurrent refreshes of one refresh token split across both servers: exactly one 200")
    func concurrentRefresh() async throws {
        try await Self.withTwoServers { first, second in
            let refresh = try #require(try await first.signIn().refreshToken)
            let statuses = await withTaskGroup(of: Int.self) { group in
                for attempt in 0..<50 {
                    let server = attempt.isMultiple(of: 2) ? first : second
                    group.addTask { await server.refresh(refresh).status }
                }
                var statuses: [Int] = []
                for await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
        }
    }
}
