import Foundation
import Synchronization
import Granted
import GrantedPostgres
import Logging
import PostgresNIO

// granted-pg-bench: issuance (client credentials through `AuthorizationServer.token`) and bearer
// verification (`ResourceGuard.check`) per second through the PostgreSQL adapter: clients and
// grants both in the database, as every process of a deployment would have them.
//
//   swift run -c release --package-path Integrations/GrantedPostgres granted-pg-bench \
//       [--url postgres://…] [--ops 4000] [--runs 5] [--concurrency 1,16]
//
// The URL defaults to $GRANTED_POSTGRES_URL (Scripts/with-postgres sets it). Works in a schema
// of its own, dropped at the end.

struct Options {
    var url = ProcessInfo.processInfo.environment["GRANTED_POSTGRES_URL"] ?? ""
    var ops = 4000
    var runs = 5
    var concurrency = [1, 16]

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Usage("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--ops": ops = try Self.positive(value, flag)
            case "--runs": runs = try Self.positive(value, flag)
            case "--concurrency": concurrency = try value.split(separator: ",").map { try Self.positive(String($0), flag) }
            default: throw Usage("unknown option \(flag)")
            }
        }
        guard !url.isEmpty else { throw Usage("no database: pass --url or set GRANTED_POSTGRES_URL") }
    }

    static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw Usage("\(flag) takes a positive number") }
        return number
    }
}

struct Usage: Error, CustomStringConvertible { let description: String; init(_ text: String) { description = text } }

let service = BasicCredentials(clientID: "bench-service", secret: "bench-service-secret-0123456789abcdef")
let tokenRequest = OAuthRequest.form(
    "/token", "grant_type=client_credentials&scope=public", headers: ["Authorization": service.headerValue])

/// Runs `total` calls of `operation` on `workers` concurrent tasks; answers seconds and failures.
func measure(
    total: Int, workers: Int, _ operation: @escaping @Sendable (Int) async -> Bool
) async -> (seconds: Double, failures: Int) {
    let start = ContinuousClock.now
    let failures = await withTaskGroup(of: Int.self) { group in
        for worker in 0..<workers {
            group.addTask {
                var failed = 0
                var index = worker
                while index < total {
                    if await !operation(index) { failed += 1 }
                    index += workers
                }
                return failed
            }
        }
        return await group.reduce(0, +)
    }
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, failures)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ rate: Double) -> String { String(format: "%8.0f/s", rate) }

do {
    let options = try Options(CommandLine.arguments)
    let schemaName = "granted_bench_" + String(UInt32.random(in: .min ... .max), radix: 16)
    let maximumConnections = max(options.concurrency.max() ?? 1, 1)
    let storage = try PostgresStorage(url: options.url, schema: schemaName, maximumConnections: maximumConnections)
    try await storage.run {
        try await storage.clients.register(
            Client(
                id: service.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(service.secret)),
                grantTypes: [.clientCredentials], allowedScopes: [.public]))
        let server = AuthorizationServer(
            issuer: "https://auth.example.com", clients: storage.clients, store: storage.grants)
        let guardian = server.resourceGuard()
        print("granted-pg-bench: \(options.ops) ops per run, median of \(options.runs) runs, pool of \(maximumConnections)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for workers in options.concurrency {
            var issuance: [Double] = []
            var verification: [Double] = []
            for run in 1...options.runs {
                // Issue: each call parses the form, authenticates the client (a lookup and a
                // hash), mints a token and inserts it.
                let tokens = TokenBox(count: options.ops)
                let issued = await measure(total: options.ops, workers: workers) { index in
                    let response = await server.token(tokenRequest)
                    guard response.status == 200,
                        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                        let token = json["access_token"] as? String
                    else { return false }
                    tokens.set(index, token)
                    return true
                }
                // Verify: each call is one indexed read with the token's family and authorization.
                let all = tokens.all
                let verified = await measure(total: options.ops, workers: workers) { index in
                    let request = OAuthRequest(
                        method: .get, path: "/resource", headers: ["Authorization": "Bearer \(all[index])"])
                    if case .allowed = await guardian.check(request, requiring: [.public]) { return true }
                    return false
                }
                guard issued.failures == 0, verified.failures == 0 else {
                    throw Usage("run \(run): \(issued.failures) issuance and \(verified.failures) verification failures")
                }
                issuance.append(Double(options.ops) / issued.seconds)
                verification.append(Double(options.ops) / verified.seconds)
                print("  concurrency \(workers), run \(run): issue \(format(issuance.last!))  verify \(format(verification.last!))")
            }
            print(
                "concurrency \(workers): issuance \(format(median(issuance))), verification \(format(median(verification))) (median)")
        }
        try await storage.schema.drop(storage.client)
    }
} catch {
    FileHandle.standardError.write(Data("granted-pg-bench: \(error)\n".utf8))
    exit(1)
}

/// The tokens one issuance run produced, written by index from many tasks.
final class TokenBox: Sendable {
    private let tokens: Mutex<[String]>
    init(count: Int) { tokens = Mutex(Array(repeating: "", count: count)) }
    func set(_ index: Int, _ token: String) { tokens.withLock { $0[index] = token } }
    var all: [String] { tokens.withLock { $0 } }
}
