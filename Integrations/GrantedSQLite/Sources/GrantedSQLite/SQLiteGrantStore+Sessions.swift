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
        try await upsert(
            select: Statements.sessionByID, insert: Statements.insertSession, update: Statements.updateSession,
            delete: Statements.deleteSession, table: Statements.sessions, key: Self.key { $0.append(text: id.rawValue) },
            decode: SignInSessionRow.decode, bind: SignInSessionRow.bind, transition)
    }
}
