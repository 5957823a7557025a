import Foundation
import Granted
import PostgresNIO

/// Session records (Back-Channel Logout 1.0 §2.1).
extension PostgresGrantStore {
    /// Locks the session's row, or, when there is none, lets the transition create it with
    /// `INSERT … ON CONFLICT DO NOTHING`; when a concurrent transaction created it first, the
    /// transition runs again on that row. Setting it to nil deletes it.
    public func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome {
        let key: @Sendable (inout PostgresBindings) -> Void = { $0.append(id.rawValue) }
        return try await transaction { connection in
            for _ in 0..<Self.upsertAttempts {
                if let row = try await connection.rows(sql.sessionForUpdate, Self.binds(key)).first {
                    let stored = try SignInSessionRow.decode(RowReader(row: row.makeRandomAccess(), table: sql.sessions))
                    var session: SignInSession? = stored
                    let outcome = transition(&session)
                    if let session {
                        if session != stored {
                            try await connection.run(sql.updateSession, Self.binds(key: key, session, SignInSessionRow.bind))
                        }
                    } else {
                        try await connection.run(sql.deleteSession, Self.binds(key))
                    }
                    return outcome
                }
                var session: SignInSession?
                let outcome = transition(&session)
                guard let session else { return outcome }
                if try await connection.run(sql.insertSession, Self.binds(key: key, session, SignInSessionRow.bind)) == 1 {
                    return outcome
                }
            }
            throw PostgresStoreError.unsupportedTransition("session \(id) kept changing while it was created")
        }
    }
}
