import Foundation
import Synchronization
import Granted
import GrantedPostgres
import Logging
import NIOPosix
import PostgresNIO

// granted-pg-bench: issuance (client credentials through `AuthorizationServer.token`) and bearer
// verification (`ResourceGuard.check`) per second through the PostgreSQL adapter: clients and
// grants both in the database, as every process of a deployment would have them; then, on the
// same server and database in the same run, pgbench doing what each of them does at least: a
// single-row insert of a token-shaped row, and a single-row select by key.
//
//   swift run -c release --package-path Integrations/GrantedPostgres granted-pg-bench \
//       [--url postgres://…] [--ops 4000] [--runs 5] [--concurrency 1,16] \
//       [--pgbench pgbench] [--pgbench-transactions 20000] [--pgbench-mode prepared] [--baseline] [--flows]
//       [--warm-pool] [--nio-executor]
//
// --baseline also measures, in the same run, the adapter as it was before issue 20: the client
// read from the database on every request and every statement unprepared (a store over a
// client of the bench's own, with no client cache).
//
// --warm-pool opens the pool's connections up front and pings none (`warmPool()`), so it arms
// no timer per call. --nio-executor runs Swift concurrency's jobs on NIO's event loops, the
// ones postgres-nio's connections live on, so a call resumes on the thread that read its reply.
//
// --flows also measures the code round trip and refresh rotation, with statements per call when
// the server loads pg_stat_statements (Flows.swift).
//
// The URL defaults to $GRANTED_POSTGRES_URL (Scripts/with-postgres sets it). Works in a schema
// of its own, dropped at the end. `--pgbench none` leaves pgbench out.

struct Options {
    var url = ProcessInfo.processInfo.environment["GRANTED_POSTGRES_URL"] ?? ""
    var ops = 4000
    var runs = 5
    var concurrency = [1, 16]
    var pgbench: String? = "pgbench"
    var pgbenchTransactions = 20_000
    var pgbenchMode = "prepared"
    var baseline = false
    /// Also the code round trip and refresh rotation (`Flows.swift`).
    var flows = false
    /// The stores' timeout (`PostgresStorage(url:timeout:)`); nil with `--store-timeout none`.
    var storeTimeout: Duration? = .seconds(10)
    /// The pool opens every connection up front and pings none (`warmPool()`).
    var warmPool = false
    /// NIO's event loops are Swift concurrency's global executor (see the top of the program).
    var nioExecutor = false

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            if flag == "--nio-executor" { nioExecutor = true; continue }
            if flag == "--warm-pool" { warmPool = true; continue }
            if flag == "--baseline" || flag == "--flows" {
                if flag == "--baseline" { baseline = true } else { flows = true }
                continue
            }
            guard let value = rest.popFirst() else { throw Usage("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--ops": ops = try Self.positive(value, flag)
            case "--runs": runs = try Self.positive(value, flag)
            case "--concurrency": concurrency = try value.split(separator: ",").map { try Self.positive(String($0), flag) }
            case "--store-timeout": storeTimeout = value == "none" ? nil : .seconds(try Self.positive(value, flag))
            case "--pgbench": pgbench = value == "none" ? nil : value
            case "--pgbench-transactions": pgbenchTransactions = try Self.positive(value, flag)
            case "--pgbench-mode":
                guard ["simple", "extended", "prepared"].contains(value) else {
                    throw Usage("--pgbench-mode is simple, extended or prepared")
                }
                pgbenchMode = value
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

/// The CPU time this process has used so far, on all its threads, in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `total` calls of `operation` on `workers` concurrent tasks; answers seconds, the
/// process's CPU seconds (every thread: the calls, postgres-nio's event loop, the pool's timers)
/// and failures.
func measure(
    total: Int, workers: Int, _ operation: @escaping @Sendable (Int) async -> Bool
) async -> (seconds: Double, cpu: Double, failures: Int) {
    let cpuStart = processCPUSeconds()
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
    let cpu = processCPUSeconds() - cpuStart
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpu, failures)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ rate: Double) -> String { String(format: "%8.0f/s", rate) }

/// The access token in a token response body: the bench's own parsing is not what it measures,
/// so a scan for the member instead of a JSON parser.
func accessToken(in body: [UInt8]) -> String? {
    let key = Array(#""access_token":""#.utf8)
    guard body.count > key.count else { return nil }
    for start in 0...(body.count - key.count) where body[start..<(start + key.count)].elementsEqual(key) {
        let from = start + key.count
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: body[from..<end], as: UTF8.self)
    }
    return nil
}

/// The load average, to print beside the figures (the machine may be shared).
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
        .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
}

/// pgbench on the same server and database: `-f insert.sql` inserts one row shaped like an
/// access token (a table `LIKE access_tokens INCLUDING ALL`: the same columns, checks and
/// indexes) with a fresh random digest; `-f select.sql` selects one of 10,000 rows by digest.
struct PGBench {
    let executable: String
    let url: String
    let schema: String
    /// Transactions in all per run, split among the clients (`-t`: `-T` relies on SIGALRM,
    /// which a child of this process may find blocked, and then never stops).
    let transactions: Int
    let mode: String
    let directory: URL

    static let columns =
        "digest, client_id, subject, scopes, audience, issued_at, expires_at, family_id, authorization_id, state, revoked_at, dead_since, key_thumbprint"
    static let keys = 10_000

    /// The table and its 10,000 rows to select, and the two scripts.
    static func prepare(
        executable: String, url: String, schema: String, transactions: Int, mode: String, client: PostgresClient
    ) async throws -> PGBench {
        let table = "\(schema).pgbench_tokens"
        try await client.query("CREATE TABLE \(unescaped: table) (LIKE \(unescaped: schema).access_tokens INCLUDING ALL)")
        try await client.query(
            """
            INSERT INTO \(unescaped: table) (\(unescaped: columns))
            SELECT sha256(int8send(i)), 'bench-service', NULL, 'public', '{}', now(), now() + interval '1 hour',
                NULL, NULL, 'active', NULL, now() + interval '1 hour', NULL
            FROM generate_series(1, \(keys)) i
            """)
        try await client.query("ANALYZE \(unescaped: table)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("granted-pg-bench-\(schema)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            INSERT INTO \(table) (\(columns))
            VALUES (sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'bench-service', NULL, 'public', '{}', now(),
                now() + interval '1 hour', NULL, NULL, 'active', NULL, now() + interval '1 hour', NULL);

            """.write(to: directory.appendingPathComponent("insert.sql"), atomically: true, encoding: .utf8)
        try """
            \\set k random(1, \(keys))
            SELECT \(columns) FROM \(table) WHERE digest = sha256(int8send(:k));

            """.write(to: directory.appendingPathComponent("select.sql"), atomically: true, encoding: .utf8)
        return PGBench(
            executable: executable, url: url, schema: schema, transactions: transactions, mode: mode, directory: directory)
    }

    /// The command line for `script` at `clients` connections.
    func arguments(_ script: String, clients: Int) -> [String] {
        let threads = min(clients, ProcessInfo.processInfo.activeProcessorCount)
        return [
            "-n", "-M", mode, "-f", directory.appendingPathComponent(script).path, "-c", "\(clients)", "-j",
            "\(threads)", "-t", "\(max(1, transactions / clients))", url,
        ]
    }

    /// pgbench's transactions per second (its `tps = …` line).
    func run(_ script: String, clients: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments(script, clients: clients)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).prefix { $0.isNumber || $0 == "." })
        else { throw Usage("pgbench failed (\(process.terminationStatus)):\n\(text)") }
        return tps
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

// `--nio-executor`: Swift concurrency's jobs run on postgres-nio's event loops (NIO's
// singleton group), so a call resumed by its connection's loop goes on on that thread instead
// of waking one of the global pool's. A host decision, made once before any task starts.
if CommandLine.arguments.contains("--nio-executor") {
    guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
        FileHandle.standardError.write(Data("granted-pg-bench: --nio-executor is not supported here\n".utf8))
        exit(2)
    }
}

do {
    let options = try Options(CommandLine.arguments)
    let schemaName = "granted_bench_" + String(UInt32.random(in: .min ... .max), radix: 16)
    let maximumConnections = max(options.concurrency.max() ?? 1, 1)
    let storage = try PostgresStorage(
        url: options.url, schema: schemaName, maximumConnections: maximumConnections, timeout: options.storeTimeout
    ) { configuration in
        if options.warmPool { configuration.warmPool() }
    }
    try await storage.run {
        try await storage.clients.register(
            Client(
                id: service.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(service.secret)),
                grantTypes: [.clientCredentials], allowedScopes: [.public]))
        try await storage.clients.register(webClientRecord)
        var settings: [String] = []
        for setting in ["server_version", "fsync", "synchronous_commit", "full_page_writes"] {
            for try await value in try await storage.client.query("SELECT current_setting(\(setting))").decode(String.self) {
                settings.append("\(setting)=\(value)")
            }
        }
        print(
            "granted-pg-bench: \(options.ops) ops per run, median of \(options.runs) runs, pool of \(maximumConnections)"
                + (options.warmPool ? " (warm: all open, no keep-alive)" : "")
                + (options.nioExecutor ? ", tasks on NIO's event loops" : ", tasks on the global executor"))
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage())")
        print("server: \(settings.joined(separator: " "))")
        let granted = try await measureGranted(storage, options: options, label: "")
        if options.flows { try await measureFlows(storage, options: options) }
        var before: [Int: (issue: Double, verify: Double)] = [:]
        if options.baseline {
            // The adapter before issue 20: the client read on every request, nothing prepared.
            var configuration = try PostgresClient.Configuration(url: options.url)
            configuration.options.maximumConnections = maximumConnections
            let client = PostgresClient(configuration: configuration)
            let baseline = PostgresStorage(client: client, schema: storage.schema, clientCacheLifetime: nil)
            before = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await measureGranted(baseline, options: options, label: "baseline ")
            }
        }
        if let executable = options.pgbench {
            let pgbench = try await PGBench.prepare(
                executable: executable, url: options.url, schema: schemaName, transactions: options.pgbenchTransactions,
                mode: options.pgbenchMode, client: storage.client)
            defer { pgbench.cleanUp() }
            print("pgbench: \(executable) \(pgbench.arguments("insert.sql|select.sql", clients: 1).joined(separator: " "))")
            print("load average \(loadAverage())")
            print("")
            print("| connections | Granted issuance | pgbench insert | pgbench/Granted | Granted verification | pgbench select | pgbench/Granted |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
            var rows: [String] = []
            for workers in options.concurrency {
                let insert = try pgbench.run("insert.sql", clients: workers)
                let select = try pgbench.run("select.sql", clients: workers)
                for (name, figures) in [("", granted), ("before issue 20: ", before)] {
                    guard let ours = figures[workers] else { continue }
                    rows.append(
                        "| \(name)" + String(
                            format: "%d | %.0f/s | %.0f/s | %.2f× | %.0f/s | %.0f/s | %.2f× |", workers, ours.issue,
                            insert, insert / ours.issue, ours.verify, select, select / ours.verify))
                }
            }
            for row in rows { print(row) }
            print("")
            print("load average \(loadAverage())")
        }
        try await storage.schema.drop(storage.client)
    }
} catch {
    FileHandle.standardError.write(Data("granted-pg-bench: \(error)\n".utf8))
    exit(1)
}

/// Issuance and verification through `storage` at each concurrency: medians of `options.runs`.
func measureGranted(
    _ storage: PostgresStorage, options: Options, label: String
) async throws -> [Int: (issue: Double, verify: Double)] {
    let server = AuthorizationServer(issuer: "https://auth.example.com", clients: storage.clients, store: storage.grants)
    let guardian = server.resourceGuard()
    var granted: [Int: (issue: Double, verify: Double)] = [:]
    for workers in options.concurrency {
        var issuance: [Double] = []
        var verification: [Double] = []
        for run in 1...options.runs {
            // Issue: each call parses the form, authenticates the client (a cached lookup and
            // a hash), mints a token and inserts it.
            let tokens = TokenBox(count: options.ops)
            let issued = await measure(total: options.ops, workers: workers) { index in
                let response = await server.token(tokenRequest)
                guard response.status == 200, let token = accessToken(in: response.body) else { return false }
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
            let cpu = (issue: issued.cpu / Double(options.ops) * 1e6, verify: verified.cpu / Double(options.ops) * 1e6)
            print(
                "  \(label)concurrency \(workers), run \(run): issue \(format(issuance.last!)) (CPU \(Int(cpu.issue)) µs each)"
                    + "  verify \(format(verification.last!)) (CPU \(Int(cpu.verify)) µs each)")
        }
        granted[workers] = (median(issuance), median(verification))
        print(
            "\(label)concurrency \(workers): issuance \(format(median(issuance))), verification \(format(median(verification))) (median)")
    }
    return granted
}

/// The tokens one issuance run produced, written by index from many tasks.
final class TokenBox: Sendable {
    private let tokens: Mutex<[String]>
    init(count: Int) { tokens = Mutex(Array(repeating: "", count: count)) }
    func set(_ index: Int, _ token: String) { tokens.withLock { $0[index] = token } }
    func get(_ index: Int) -> String { tokens.withLock { $0[index] } }
    var all: [String] { tokens.withLock { $0 } }
}
