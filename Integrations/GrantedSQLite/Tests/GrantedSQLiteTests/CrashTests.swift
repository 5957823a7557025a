import Foundation
import GRDB
import Granted
import GrantedSQLite
import GrantedTesting
import Testing

/// A process killed (SIGKILL) mid-write, again and again: what it reported committed is there
/// after each kill, and nothing half-written is visible (SQLite's atomic commit in WAL mode).
@Suite("SQLite: crashes and several processes")
struct CrashTests {
    static let familyID = FamilyID(uuid: UUID(uuidString: "6F1A1E00-0000-4000-8000-000000000001")!)

    /// What the writer reported committed, across every run so far.
    struct Reported {
        var codes: Set<Int> = []
        var redeemed: Set<Int> = []
        var rotated: Set<Int> = []
        var clients: Set<Int> = []
        /// The highest iteration any line named.
        var highest = -1

        mutating func read(_ lines: [Substring]) {
            for line in lines {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let i = Int(parts[1]) else { continue }
                highest = max(highest, i)
                switch parts[0] {
                case "code": codes.insert(i)
                case "redeemed": redeemed.insert(i)
                case "rotated": rotated.insert(i)
                case "client": clients.insert(i)
                default: break
                }
            }
        }
    }

    @Test("killed mid-write 12 times: every reported commit kept, no transaction half visible", arguments: [UInt64(19)])
    func killedWriter(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("crash.sqlite").path
            var reported = Reported()
            var killedWhileWriting = 0
            for run in 0..<12 {
                let child = try ChildProcess(["write", path, String(reported.highest + 1)])
                // Once it has committed something, at a random moment of its writing.
                let first = child.firstOutput()
                let delay = Int.random(in: 0...300, using: &random)
                try await Task.sleep(for: .milliseconds(delay))
                child.kill()
                let lines = child.lines(after: first)
                #expect(child.process.terminationReason == .uncaughtSignal, "run \(run): the writer ended by itself")
                if !first.isEmpty { killedWhileWriting += 1 }
                reported.read(lines)
                try await check(path: path, reported, run: run, delay: delay)
            }
            // Every kill landed while the writer was writing, not before it started.
            #expect(killedWhileWriting == 12)
            #expect(reported.clients.count >= 10)
        }
    }

    func check(path: String, _ reported: Reported, run: Int, delay: Int) async throws {
        let context = "run \(run), killed after \(delay) ms"
        // SQLite's own check of the file: pages, indexes and constraints.
        let queue = try DatabaseQueue(path: path)
        let integrity = try await queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"], "\(context)")
        try queue.close()

        let database = try SQLiteDatabase(path: path)
        let store = database.grantStore
        for i in reported.codes {
            let state = try await store.updateCode(at: Digest256(hashing: "code-\(i)")) { $0.state }
            #expect(state != nil, "\(context): code \(i) was reported stored")
            if reported.redeemed.contains(i) {
                #expect(state.map { if case .redeemed = $0 { true } else { false } } == true, "\(context): code \(i) redeemed")
            }
        }
        // The family is one whole generation j: current rt-j with its own previous rt-(j-1), at
        // least the last reported rotation and at most one the writer began after it.
        if let last = reported.rotated.max() {
            let family = try #require(try await store.family(Self.familyID)?.family, "\(context)")
            let generation = (last...(reported.highest + 1)).first { family.current == Digest256(hashing: "rt-\($0)") }
            let j = try #require(generation, "\(context): the family's current generation is none the writer wrote")
            #expect(family.previous?.digest == (j == 0 ? nil : Digest256(hashing: "rt-\(j - 1)")), "\(context)")
            #expect(family.lastUsedAt == Date(timeIntervalSince1970: 1_700_000_000 + Double(j)), "\(context)")
        }
        // A registration is two rows in one transaction: both or neither, never one.
        let clients = database.clientStore
        for i in 0...(reported.highest + 1) {
            let client = try await clients.client(ClientID("client-\(i)"))
            let registration = try await clients.registration(ClientID("client-\(i)"))
            #expect((client == nil) == (registration == nil), "\(context): client-\(i) half written")
            if reported.clients.contains(i) { #expect(registration != nil, "\(context): client-\(i) was reported") }
        }
    }

    /// Two processes redeem the same 60 codes, use the same 60 pushed requests and record the
    /// same 60 one-time uses at once: each is granted to exactly one.
    @Test("two processes, one file: each single use won exactly once")
    func twoProcesses() async throws {
        let count = 60
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("race.sqlite").path
            let store = try SQLiteDatabase(path: path).grantStore
            for k in 0..<count {
                try await store.insert(Fixtures.code(), at: Digest256(hashing: "race-\(k)"))
                try await store.insert(Fixtures.pushedRequest(), at: Digest256(hashing: "race-\(k)"))
            }
            let children = try (0..<2).map { _ in try ChildProcess(["race", path, String(count)]) }
            let outputs = children.map { $0.lines() }
            for child in children {
                #expect(child.process.terminationStatus == 0 && child.process.terminationReason == .exit)
            }
            let lines = outputs.flatMap { $0 }
            #expect(lines.count == 6 * count)
            for k in 0..<count {
                #expect(lines.filter { $0 == "code \(k) granted" }.count == 1, "code race-\(k)")
                #expect(lines.filter { $0 == "code \(k) refused" }.count == 1, "code race-\(k)")
                #expect(lines.filter { $0 == "once \(k) true" }.count == 1, "one-time use race-\(k)")
                #expect(lines.filter { $0 == "pushed \(k) granted" }.count == 1, "pushed request race-\(k)")
                #expect(lines.filter { $0 == "pushed \(k) refused" }.count == 1, "pushed request race-\(k)")
            }
        }
    }

    /// The same with two connection pools in one process, 20 tasks per code.
    @Test("two database pools, one file: one redemption of each code, one insert of each use")
    func twoPools() async throws {
        try await TemporaryDatabase.withDirectory { directory in
            let path = directory.appendingPathComponent("pools.sqlite").path
            let stores = [try SQLiteDatabase(path: path).grantStore, try SQLiteDatabase(path: path).grantStore]
            for k in 0..<10 { try await stores[0].insert(Fixtures.code(), at: Digest256(hashing: "pool-\(k)")) }
            for k in 0..<10 {
                let digest = Digest256(hashing: "pool-\(k)")
                let (granted, inserted) = await withTaskGroup(of: (Bool, Bool).self) { group in
                    for task in 0..<20 {
                        let store = stores[task % 2]
                        group.addTask {
                            let redemption = try? await store.updateCode(at: digest) { $0.redeem(at: Fixtures.epoch) }
                            let once = (try? await store.insertOnce(digest, expiresAt: .distantFuture)) ?? false
                            return (redemption == .granted, once)
                        }
                    }
                    var counts = (0, 0)
                    for await (granted, once) in group {
                        if granted { counts.0 += 1 }
                        if once { counts.1 += 1 }
                    }
                    return counts
                }
                #expect(granted == 1, "code pool-\(k)")
                #expect(inserted == 1, "one-time use pool-\(k)")
            }
        }
    }
}

enum Fixtures {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func pushedRequest() -> PushedRequest {
        PushedRequest(
            client: ClientID("crash-client"), parameters: [.init(name: "response_type", value: "code")],
            issuedAt: epoch, expiresAt: .distantFuture)
    }

    static func code() -> AuthorizationCode {
        AuthorizationCode(
            client: ClientID("crash-client"), redirectURI: "https://c.example.com/cb", scopes: .empty,
            subject: Subject("alice"), authTime: epoch, nonce: nil, challenge: nil,
            authorization: AuthorizationID(uuid: UUID()), family: FamilyID(uuid: UUID()), issuedAt: epoch,
            state: .issued(expiresAt: .distantFuture))
    }
}
