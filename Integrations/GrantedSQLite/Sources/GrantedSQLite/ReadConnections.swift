import GRDB
import Synchronization

/// Read-only connections for single-statement reads (verification, introspection, lookups),
/// outside GRDB's reader pool: each is a `DatabaseQueue` opened read-only on the file, taken
/// from an idle list under a lock and handed back after the read.
///
/// GRDB's pool runs `PRAGMA schema_version` before every read, to know whether to clear its
/// schema cache, which the adapter never uses; outside a transaction that PRAGMA is a read
/// transaction of its own (locks taken and released on the WAL index), and with the pool's own
/// bookkeeping it cost as much as the SELECT. A prepared statement needs none of it: SQLite
/// prepares it again by itself when another connection changed the schema.
///
/// At most `limit` are open; a read that finds none idle and the limit reached goes through
/// GRDB's pool instead, so a read never waits here.
final class ReadConnections: Sendable {
    private struct State {
        var idle: [DatabaseQueue] = []
        var opened = 0
    }

    private let path: String
    private let configuration: Configuration
    private let limit: Int
    private let state = Mutex(State())

    init(path: String, configuration: Configuration, limit: Int) {
        var configuration = configuration
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
        self.limit = limit
    }

    /// Runs `body` on an idle connection (opening one when there is room), nil when none is free.
    func withConnection<Result>(_ body: (Database) throws -> Result) throws -> Result? {
        let taken: DatabaseQueue?? = state.withLock { state in
            if let queue = state.idle.popLast() { return .some(queue) }
            guard state.opened < limit else { return nil }
            state.opened += 1
            return .some(nil)
        }
        guard let taken else { return nil }
        let queue: DatabaseQueue
        do {
            queue = try taken ?? DatabaseQueue(path: path, configuration: configuration)
        } catch {
            state.withLock { $0.opened -= 1 }
            throw error
        }
        defer { state.withLock { $0.idle.append(queue) } }
        return try queue.inDatabase(body)
    }
}
