import Foundation
import Granted
import PostgresNIO

/// User authorizations: at most one active per user and client (a partial unique index).
extension PostgresGrantStore {
    /// The pair's active row, or nil for the transition to create one (`INSERT … ON CONFLICT DO
    /// NOTHING`: a concurrent approval that created it first is found on the next try, and the
    /// transition runs on it). A revoked row no longer matches, so after a revocation the pair
    /// starts afresh. Optimistic like `update`, then locked after lost races.
    public func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome {
        let pair = Self.binds { $0.append(subject.rawValue); $0.append(client.rawValue) }
        return try await withTimeout {
            for _ in 0..<optimisticAttempts {
                let row = try await unboundedRows(sql.activeAuthorization, pair).first
                let reader = row.map { RowReader(row: $0.makeRandomAccess(), table: sql.authorizations) }
                let version = try reader.map { try $0("row_version", as: String.self) }
                let stored = try reader.map(UserAuthorizationRow.decode)
                var current = stored
                let outcome = transition(&current)
                guard let current, current != stored else { return outcome }
                let key: @Sendable (inout PostgresBindings) -> Void = { $0.append(current.id.uuid) }
                if let stored, stored.id == current.id {
                    let written = try await unboundedRows(
                        sql.authorizationUpdate.writeIfUnchanged,
                        Self.binds(key: key, current, UserAuthorizationRow.bind, version: version))
                    if !written.isEmpty { return outcome }
                    continue
                }
                let inserted = try await unboundedRows(
                    sql.insertAuthorization, Self.binds(key: key, current, UserAuthorizationRow.bind))
                if !inserted.isEmpty { return outcome }
                // The pair's active row is another's: one created meanwhile (try again), or the
                // one read, which the transition tried to replace (the locked path refuses that).
                if stored != nil { break }
            }
            return try await unboundedTransaction { connection in
                for _ in 0..<Self.upsertAttempts {
                    let row = try await connection.rows(sql.activeAuthorizationForUpdate, pair).first
                    let stored = try row.map {
                        try UserAuthorizationRow.decode(RowReader(row: $0.makeRandomAccess(), table: sql.authorizations))
                    }
                    var current = stored
                    let outcome = transition(&current)
                    guard let current, current != stored else { return outcome }
                    let key: @Sendable (inout PostgresBindings) -> Void = { $0.append(current.id.uuid) }
                    if let stored, stored.id == current.id {
                        try await connection.run(
                            sql.authorizationUpdate.write, Self.binds(key: key, current, UserAuthorizationRow.bind))
                        return outcome
                    }
                    let inserted = try await connection.run(
                        sql.insertAuthorization, Self.binds(key: key, current, UserAuthorizationRow.bind))
                    if inserted == 1 { return outcome }
                    guard stored == nil else { break }
                }
                throw PostgresStoreError.unsupportedTransition(
                    "the active authorization of \(subject) for \(client) was replaced while active")
            }
        }
    }

    public func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.authorizationUpdate, table: sql.authorizations, key: { $0.append(id.uuid) },
            decode: UserAuthorizationRow.decode, bind: UserAuthorizationRow.bind, transition)
    }

    public func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? {
        let found = try await rows(sql.authorization, Self.binds { $0.append(id.uuid) })
        return try records(found, table: sql.authorizations, UserAuthorizationRow.decode).first
    }

    public func authorizations(of subject: Subject) async throws -> [UserAuthorization] {
        let found = try await rows(sql.authorizationsOfSubject, Self.binds { $0.append(subject.rawValue) })
        return try records(found, table: sql.authorizations, UserAuthorizationRow.decode)
    }
}
