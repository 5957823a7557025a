import Foundation
import GRDB
import Granted

/// Session records (Back-Channel Logout 1.0 §2.1).
extension SQLiteGrantStore {
    /// Reads the session, or its absence, runs the transition and writes what it left (an
    /// insert, an update, or a delete for nil) in one immediate transaction: of concurrent
    /// sign-ins to an absent session exactly one creates it, and none loses another's client.
    public func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome {
        let key = Self.key { $0.append(text: id.rawValue) }
        return try await database.write { db in
            let stored = try Row.fetchOne(db, sql: Statements.sessionByID, arguments: key.arguments).map {
                try SignInSessionRow.decode(RowReader(row: $0, table: Statements.sessions))
            }
            var session = stored
            let outcome = transition(&session)
            switch (stored, session) {
            case (_, nil) where stored != nil:
                try db.execute(sql: Statements.deleteSession, arguments: key.arguments)
            case (nil, let session?):
                try db.execute(
                    sql: Statements.insertSession, arguments: Self.binds(key: key, session, SignInSessionRow.bind).arguments)
            case (let stored?, let session?) where stored != session:
                try db.execute(
                    sql: Statements.updateSession, arguments: Self.binds(key: key, session, SignInSessionRow.bind).arguments)
            default: break
            }
            return outcome
        }
    }
}
