import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` on one leased connection in one transaction: committed when it returns,
    /// rolled back when it throws.
    ///
    /// (Not `withTransaction`: after a connection-fatal error it still sends `ROLLBACK`, and on a
    /// channel that has closed meanwhile that write is dropped and its answer awaited for ever,
    /// seen here when `pg_terminate_backend` ends a backend waiting on a row lock. A session the
    /// server ended has been rolled back by the server; nothing more is sent on it.)
    func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                if !connection.isClosed, !Self.endsSession(error) {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                }
                throw error
            }
        }
    }

    /// Whether the connection is gone after `error`: it closed, or the server ended the session
    /// (a FATAL or PANIC error, e.g. `pg_terminate_backend`).
    static func endsSession(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        guard error.code == .server else { return true }
        return ["FATAL", "PANIC"].contains(error.serverInfo?[.severity] ?? "")
    }
}
