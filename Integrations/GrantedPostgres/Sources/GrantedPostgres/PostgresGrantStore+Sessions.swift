import Foundation
import Granted
import PostgresNIO

/// Session records (Back-Channel Logout 1.0 §2.1).
extension PostgresGrantStore {
    /// The session's row, or nil for the transition to create it; setting it to nil deletes it
    /// (see `upsert`).
    public func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome {
        try await upsert(
            sql.sessionUpdate, insert: sql.insertSession, table: sql.sessions, what: "session \(id)",
            key: { $0.append(id.rawValue) }, decode: SignInSessionRow.decode, bind: SignInSessionRow.bind, transition)
    }
}
