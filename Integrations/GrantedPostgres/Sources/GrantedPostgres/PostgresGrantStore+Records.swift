import Foundation
import Granted
import PostgresNIO

/// The step every update by key shares: lock the row, run the transition, write back what changed.
extension PostgresGrantStore {
    /// Applies `transition` to the row `lock` finds (`$1` is `key`) in one transaction, writing it
    /// back with `write` only when it changed; nil when there is no such row.
    func update<Record: Equatable & Sendable, Outcome: Sendable>(
        lock: String, write: String, table: String, key: @escaping @Sendable (inout PostgresBindings) -> Void,
        decode: @Sendable (RowReader) throws -> Record, bind: @Sendable (Record, inout PostgresBindings) -> Void,
        _ transition: @Sendable (inout Record) -> Outcome
    ) async throws -> Outcome? {
        try await transaction { connection in
            guard let row = try await connection.rows(lock, Self.binds(key)).first else { return nil }
            let stored = try decode(RowReader(row: row.makeRandomAccess(), table: table))
            var record = stored
            let outcome = transition(&record)
            if record != stored {
                try await connection.run(write, Self.binds(key: key, record, bind))
            }
            return outcome
        }
    }

    /// How often an upsert runs its transition again after a concurrent creator won the key.
    static let upsertAttempts = 3
}
