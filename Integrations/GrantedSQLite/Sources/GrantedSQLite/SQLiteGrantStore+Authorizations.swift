import Foundation
import GRDB
import Granted

/// User authorizations: at most one active per user and client (a partial unique index).
extension SQLiteGrantStore {
    /// Reads the pair's active row, or its absence, runs the transition and writes what it left
    /// in one immediate transaction, so concurrent approvals of one pair meet one authorization.
    /// A revoked row no longer matches, so after a revocation the pair starts afresh.
    public func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome {
        let pair = Self.key {
            $0.append(text: subject.rawValue)
            $0.append(text: client.rawValue)
        }
        return try await database.write { db in
            let stored = try db.withRow(Statements.activeAuthorization, arguments: pair.arguments) {
                try UserAuthorizationRow.decode(RowReader(row: $0, table: Statements.authorizations))
            }
            var current = stored
            let outcome = transition(&current)
            guard let current, current != stored else { return outcome }
            let binds = Self.binds(key: Self.key { $0.append(uuid: current.id.uuid) }, current, UserAuthorizationRow.bind)
            if let stored, stored.id == current.id {
                try db.run(Statements.updateAuthorization, binds: binds)
                return outcome
            }
            do {
                try db.run(Statements.insertAuthorization, binds: binds)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw SQLiteStoreError.unsupportedTransition(
                    "the active authorization of \(subject) for \(client) was replaced while active")
            }
            return outcome
        }
    }

    public func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.authorizationByID, write: Statements.updateAuthorization,
            table: Statements.authorizations, key: Self.key { $0.append(uuid: id.uuid) },
            decode: UserAuthorizationRow.decode, bind: UserAuthorizationRow.bind, transition)
    }

    public func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? {
        let key = Self.key { $0.append(uuid: id.uuid) }
        return try await database.readRow(Statements.authorizationByID, .binds(key)) {
            try UserAuthorizationRow.decode(RowReader(row: $0, table: Statements.authorizations))
        }
    }

    public func authorizations(of subject: Subject) async throws -> [UserAuthorization] {
        let key = Self.key { $0.append(text: subject.rawValue) }
        return try await database.readRows(Statements.authorizationsOfSubject, .binds(key)) {
            try UserAuthorizationRow.decode(RowReader(row: $0, table: Statements.authorizations))
        }
    }
}
