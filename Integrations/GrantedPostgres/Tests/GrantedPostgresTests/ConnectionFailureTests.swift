import Foundation
import Granted
import GrantedPostgres
import GrantedTesting
import Logging
import PostgresNIO
import Testing

/// A connection dropped in the middle of a request: the server backend serving it is terminated
/// (`pg_terminate_backend`) while the request waits on a lock another connection holds. The
/// request answers `server_error`, nothing committed before is lost, the transaction that was cut
/// off leaves no trace, and the pool serves the next request on a new connection.
@Suite("Connections dropped mid-request", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(3)))
struct ConnectionFailureTests {
    static let logger = Logger(label: "granted.postgres.tests")

    /// Waits until a backend of `application` waits on a lock, and terminates it.
    static func terminateWhenBlocked(application: String, using client: PostgresClient) async throws {
        for _ in 0..<500 {
            let rows = try await client.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = \(application) AND wait_event_type = 'Lock'
                """, logger: logger
            ).collect()
            if !rows.isEmpty { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ContractFailure("no backend of \(application) ever waited on a lock")
    }

    /// Runs `request` on a server whose pool is named `victim` while `lock` (run by `saboteur`
    /// in an open transaction) blocks it, terminates the blocked backend, and answers what
    /// `request` answered; the lock is released afterwards.
    static func cutOff<Answer: Sendable>(
        victim: String, saboteur: PostgresClient, lock: PostgresQuery,
        _ request: @escaping @Sendable () async -> Answer
    ) async throws -> Answer {
        try await saboteur.withTransaction(logger: logger) { connection in
            try await connection.query(lock, logger: logger)
            return try await withThrowingTaskGroup(of: Answer?.self) { group in
                group.addTask { await request() }
                group.addTask {
                    try await terminateWhenBlocked(application: victim, using: saboteur)
                    return nil
                }
                var answer: Answer?
                for try await result in group { if let result { answer = result } }
                return try #require(answer)
            }
        }
    }

    @Test("a backend terminated inside a code redemption's transaction: server_error, nothing lost, the code still works")
    func terminatedDuringRedemption() async throws {
        let victim = "granted-victim-\(UInt32.random(in: .min ... .max))"
        try await TestDatabase.withClient(applicationName: "granted-saboteur") { saboteur in
            try await TestDatabase.withSchema(on: saboteur) { schema in
                try await TestDatabase.withClient(applicationName: victim) { client in
                    let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema))
                    let committed = try await flow.issueToken()
                    let earlier = try await flow.signIn(subject: ContractFlow.bob)
                    let code = try await flow.code()
                    let digest = ByteBuffer(bytes: Digest256(hashing: code).bytes)
                    let lock: PostgresQuery = """
                        SELECT 1 FROM \(unescaped: schema.name).authorization_codes WHERE digest = \(digest) FOR UPDATE
                        """

                    let response = try await Self.cutOff(victim: victim, saboteur: saboteur, lock: lock) {
                        await flow.exchange(code)
                    }
                    #expect(response.status == 500)
                    #expect(ContractFlow.errorCode(of: response) == "server_error")
                    #expect(!response.bodyText.contains("terminat"), "no storage detail reaches the client")

                    #expect(await flow.verifies(committed), "a token committed before is still there")
                    #expect(await flow.verifies(earlier.accessToken))
                    let refreshed = await flow.refresh(try #require(earlier.refreshToken))
                    #expect(refreshed.status == 200, "the pool serves the next request on a new connection")
                    #expect(await flow.exchange(code).status == 200, "the cut-off redemption left the code issued")
                }
            }
        }
    }

    @Test("a backend terminated while verifying a bearer token: server_error, and the token still works after")
    func terminatedDuringVerification() async throws {
        let victim = "granted-victim-\(UInt32.random(in: .min ... .max))"
        try await TestDatabase.withClient(applicationName: "granted-saboteur") { saboteur in
            try await TestDatabase.withSchema(on: saboteur) { schema in
                try await TestDatabase.withClient(applicationName: victim) { client in
                    let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema))
                    let token = try await flow.issueToken()
                    let lock: PostgresQuery = """
                        LOCK TABLE \(unescaped: schema.name).access_tokens IN ACCESS EXCLUSIVE MODE
                        """
                    let decision = try await Self.cutOff(victim: victim, saboteur: saboteur, lock: lock) {
                        await flow.check(token)
                    }
                    guard case .denied(let response, let error) = decision else {
                        Issue.record("a cut-off verification was allowed")
                        return
                    }
                    #expect(error == .serverError)
                    #expect(response.status == 500)
                    #expect(await flow.verifies(token))
                }
            }
        }
    }

    @Test(
        "a database that cannot be reached: server_error within the store's timeout, not the pool's minute",
        .timeLimit(.minutes(1)))
    func unreachable() async throws {
        var configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: try Self.closedPort(), username: "postgres", password: nil, database: "granted",
            tls: .disable)
        configuration.options.connectTimeout = .seconds(2)
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let schema = try PostgresSchema()
            let flow = ContractFlow(
                store: PostgresGrantStore(client: client, schema: schema, timeout: .seconds(2)),
                clients: PostgresClientStore(client: client, schema: schema, timeout: .seconds(2)))
            let started = ContinuousClock.now
            let response = await flow.clientCredentials()
            #expect(response.status == 500)
            #expect(ContractFlow.errorCode(of: response) == "server_error")
            guard case .denied(let denial, .serverError?) = await flow.check("gat_anything") else {
                Issue.record("verification against an unreachable database did not answer server_error")
                return
            }
            #expect(denial.status == 500)
            #expect(ContinuousClock.now - started < .seconds(10), "two timeouts of 2 s, not the pool's minute")
        }
    }

    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
            }
        }
        guard bound else { throw ContractFailure("could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
