import Foundation
import Granted
import PostgresNIO

/// The steps every update by key shares: read the row, run the transition, write back what
/// changed, only if the row is still the version that was read.
///
/// Optimistic first: a plain `SELECT` of the row and its `xmin` (the transaction that wrote this
/// version of it), then one `UPDATE … WHERE key = $1 AND xmin = $n RETURNING 1` in a transaction
/// of its own. No other call can have changed the row in between without changing `xmin`: a
/// concurrent writer's `UPDATE` makes a new row version, and an `UPDATE` that waited on its lock
/// re-reads the row and finds the version gone (PostgreSQL's READ COMMITTED re-check). When no row
/// came back, the transition runs again on the row as it is now (the store contract allows it:
/// transitions are pure). So a state change is two round trips and no lock held between them, and
/// a transition that changes nothing (a replay found, a read) is one.
///
/// After `optimisticAttempts` lost races on one row, the call takes the row's lock instead
/// (`BEGIN`, `SELECT … FOR UPDATE`, the write, `COMMIT`), so a hot row cannot starve a caller.
/// Both paths serialize against each other: the locked write changes `xmin` too. The store's
/// `timeout` bounds the whole call, every attempt together.
extension PostgresGrantStore {
    /// How often an upsert runs its transition again after a concurrent creator won the key.
    static let upsertAttempts = 3

    /// Applies `transition` to the row `statements.read` finds (`$1` is `key`); nil when there
    /// is no such row.
    func update<Record: Equatable & Sendable, Outcome: Sendable>(
        _ statements: RowUpdate, table: String, key: @escaping @Sendable (inout PostgresBindings) -> Void,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout PostgresBindings) -> Void,
        _ transition: @Sendable (inout Record) -> Outcome
    ) async throws -> Outcome? {
        try await withTimeout {
            try await unboundedUpdate(statements, table: table, key: key, decode: decode, bind: bind, transition)
        }
    }

    private func unboundedUpdate<Record: Equatable & Sendable, Outcome: Sendable>(
        _ statements: RowUpdate, table: String, key: @escaping @Sendable (inout PostgresBindings) -> Void,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout PostgresBindings) -> Void,
        _ transition: @Sendable (inout Record) -> Outcome
    ) async throws -> Outcome? {
        for _ in 0..<optimisticAttempts {
            guard let row = try await unboundedRows(statements.read, Self.binds(key)).first else { return nil }
            let reader = RowReader(row: row.makeRandomAccess(), table: table)
            let version = try reader("row_version", as: String.self)
            let stored = try decode(reader)
            var record = stored
            let outcome = transition(&record)
            if record == stored { return outcome }
            if try await !unboundedRows(statements.writeIfUnchanged, Self.binds(key: key, record, bind, version: version)).isEmpty {
                return outcome
            }
        }
        return try await unboundedTransaction { connection in
            guard let row = try await connection.rows(statements.lock, Self.binds(key)).first else { return nil }
            let stored = try decode(RowReader(row: row.makeRandomAccess(), table: table))
            var record = stored
            let outcome = transition(&record)
            if record != stored {
                try await connection.run(statements.write, Self.binds(key: key, record, bind))
            }
            return outcome
        }
    }

    /// Applies `transition` to the row by `key`, or to nil when there is none: leaving nil stores
    /// nothing, setting a record creates it with `insert` (`INSERT … ON CONFLICT DO NOTHING
    /// RETURNING …`, so a concurrent creator wins and the transition runs again on its row), and
    /// setting an existing one to nil deletes it.
    /// - Parameter what: names the record in the error thrown when it keeps changing while created.
    func upsert<Record: Equatable & Sendable, Outcome: Sendable>(
        _ statements: RowUpdate, insert: String, table: String, what: String,
        key: @escaping @Sendable (inout PostgresBindings) -> Void,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout PostgresBindings) -> Void,
        _ transition: @Sendable (inout Record?) -> Outcome
    ) async throws -> Outcome {
        try await withTimeout {
            try await unboundedUpsert(
                statements, insert: insert, table: table, what: what, key: key, decode: decode, bind: bind, transition)
        }
    }

    private func unboundedUpsert<Record: Equatable & Sendable, Outcome: Sendable>(
        _ statements: RowUpdate, insert: String, table: String, what: String,
        key: @escaping @Sendable (inout PostgresBindings) -> Void,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout PostgresBindings) -> Void,
        _ transition: @Sendable (inout Record?) -> Outcome
    ) async throws -> Outcome {
        for _ in 0..<optimisticAttempts {
            guard let row = try await unboundedRows(statements.read, Self.binds(key)).first else {
                var record: Record?
                let outcome = transition(&record)
                guard let record else { return outcome }
                if try await !unboundedRows(insert, Self.binds(key: key, record, bind)).isEmpty { return outcome }
                continue
            }
            let reader = RowReader(row: row.makeRandomAccess(), table: table)
            let version = try reader("row_version", as: String.self)
            let stored = try decode(reader)
            var record: Record? = stored
            let outcome = transition(&record)
            if record == stored { return outcome }
            let written =
                if let record {
                    try await unboundedRows(statements.writeIfUnchanged, Self.binds(key: key, record, bind, version: version))
                } else {
                    try await unboundedRows(statements.deleteIfUnchanged, Self.binds { key(&$0); $0.append(version) })
                }
            if !written.isEmpty { return outcome }
        }
        return try await unboundedTransaction { connection in
            for _ in 0..<Self.upsertAttempts {
                if let row = try await connection.rows(statements.lock, Self.binds(key)).first {
                    let stored = try decode(RowReader(row: row.makeRandomAccess(), table: table))
                    var record: Record? = stored
                    let outcome = transition(&record)
                    if let record {
                        if record != stored {
                            try await connection.run(statements.write, Self.binds(key: key, record, bind))
                        }
                    } else {
                        try await connection.run(statements.delete, Self.binds(key))
                    }
                    return outcome
                }
                var record: Record?
                let outcome = transition(&record)
                guard let record else { return outcome }
                if try await connection.run(insert, Self.binds(key: key, record, bind)) == 1 { return outcome }
            }
            throw PostgresStoreError.unsupportedTransition("\(what) kept changing while it was created")
        }
    }
}
