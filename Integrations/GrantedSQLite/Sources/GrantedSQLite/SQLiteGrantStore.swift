import Foundation
import GRDB
import Granted

/// Granted's grants in one SQLite file (`SQLiteDatabase`), durable across restarts and shared
/// by the processes that open the file.
///
/// Every state change is one `BEGIN IMMEDIATE` transaction: the file's write lock is taken
/// first, the row is read, the engine's pure transition runs on it and the result is written
/// back before `COMMIT`; so of any number of concurrent redemptions, in any number of processes,
/// one sees the code issued. Verification is one indexed read on a WAL snapshot: the token
/// joined with its family and user authorization. See `SQLiteDatabase` for the busy timeout and
/// the retries when several processes write one file.
public struct SQLiteGrantStore: GrantStore {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Applies `transition` to the row `select` finds (`?1` is `key`) in one immediate
    /// transaction, writing it back with `write` only when it changed; nil when there is no such row.
    func update<Record: Equatable & Sendable, Outcome: Sendable>(
        select: Select, write: String, table: String, key: Binds,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout Binds) -> Void,
        _ transition: @Sendable (inout Record) -> Outcome
    ) async throws -> Outcome? {
        try await database.write { db in
            guard let stored = try db.withRow(select, arguments: key.arguments, { try decode(RowReader(row: $0, table: table)) })
            else { return nil }
            var record = stored
            let outcome = transition(&record)
            if record != stored {
                var binds = key
                bind(record, &binds)
                try db.run(write, binds: binds)
            }
            return outcome
        }
    }

    /// Applies `transition` to the record `select` finds (`?1` is `key`), or to its absence, in
    /// one immediate transaction, and writes what it left: `insert` for a new record, `update`
    /// for a changed one, `delete` for nil. Of concurrent creators exactly one sees it absent,
    /// since the others wait for its write lock.
    func upsert<Record: Equatable & Sendable, Outcome: Sendable>(
        select: Select, insert: String, update: String, delete: String, table: String, key: Binds,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout Binds) -> Void,
        _ transition: @Sendable (inout Record?) -> Outcome
    ) async throws -> Outcome {
        try await database.write { db in
            let stored = try db.withRow(select, arguments: key.arguments) { try decode(RowReader(row: $0, table: table)) }
            var record = stored
            let outcome = transition(&record)
            switch (stored, record) {
            case (_?, nil):
                try db.run(delete, binds: key)
            case (nil, let record?):
                try db.run(insert, binds: Self.binds(key: key, record, bind))
            case (let stored?, let record?) where stored != record:
                try db.run(update, binds: Self.binds(key: key, record, bind))
            default: break
            }
            return outcome
        }
    }

    /// Runs one statement for its effect; answers how many rows it changed.
    func execute(_ sql: String, _ binds: Binds) async throws -> Int {
        try await database.write { db in
            try db.run(sql, binds: binds)
            return db.changesCount
        }
    }

    static func key(_ build: (inout Binds) -> Void) -> Binds {
        var binds = Binds()
        build(&binds)
        return binds
    }

    /// A key, then the record's columns (`?1`, then `?2…`).
    static func binds<Record>(key: Binds, _ record: Record, _ bind: (Record, inout Binds) -> Void) -> Binds {
        var binds = key
        bind(record, &binds)
        return binds
    }
}
