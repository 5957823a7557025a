import Foundation
import GRDB
import Granted

/// Per-user API keys, and housekeeping.
extension SQLiteGrantStore {
    /// Keeps the stored key when the digest (or id) is already there: importing a fixture's key
    /// at every start never revives one that was revoked.
    public func insert(_ key: APIKey, at digest: Digest256) async throws {
        _ = try await execute(Statements.insertAPIKey, Self.binds(key: Self.key { $0.append(digest: digest) }, key, APIKeyRow.bind))
    }

    public func apiKey(at digest: Digest256) async throws -> APIKey? {
        try await database.readRow(Statements.apiKey, .digest(digest)) {
            try APIKeyRow.decode(RowReader(row: $0, table: Statements.apiKeys))
        }
    }

    public func apiKeys(of subject: Subject) async throws -> [APIKey] {
        let key = Self.key { $0.append(text: subject.rawValue) }
        return try await database.readRows(Statements.apiKeysOfSubject, .binds(key)) {
            try APIKeyRow.decode(RowReader(row: $0, table: Statements.apiKeys))
        }
    }

    public func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.apiKeyByID, write: Statements.updateAPIKey, table: Statements.apiKeys,
            key: Self.key { $0.append(uuid: id.uuid) }, decode: APIKeyRow.decode, bind: APIKeyRow.bind, transition)
    }

    /// One immediate transaction: every table's dead rows, dependants of dead roots with them,
    /// counted together.
    public func purge(before cutoff: Date) async throws -> Int {
        let key = Self.key { $0.append(date: cutoff) }
        return try await database.write { db in
            var deleted = 0
            for statement in Statements.purge {
                try db.run(statement, binds: key)
                deleted += db.changesCount
            }
            return deleted
        }
    }
}
