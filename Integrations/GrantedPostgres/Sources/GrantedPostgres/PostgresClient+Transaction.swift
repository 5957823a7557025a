import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` on one leased connection in one transaction: committed when it returns,
    /// rolled back when it throws.
    ///
    /// A connection goes back to the pool only outside a transaction: when `body` throws, a plain
    /// statement error (the server answered `ERROR`, the session goes on) is followed by
    /// `ROLLBACK`; after anything else (the server ended the session, the channel failed, a query
    /// was cancelled or its answer lost), or when the `ROLLBACK` fails, the connection is closed,
    /// so the server rolls back and no half-done transaction, with its row or advisory locks,
    /// is leased to the next caller.
    ///
    /// (Not `withTransaction`: after a connection-fatal error it still sends `ROLLBACK`, and on a
    /// channel that has closed meanwhile that write is dropped and its answer awaited for ever,
    /// seen here when `pg_terminate_backend` ends a backend waiting on a row lock.)
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
                await Self.abandon(connection, after: error, logger: logger)
                throw error
            }
        }
    }

    /// Ends the failed transaction on `connection`: `ROLLBACK` when the session is known to be
    /// intact, otherwise (or when that fails) closes the connection.
    static func abandon(_ connection: PostgresConnection, after error: any Error, logger: Logger) async {
        guard !connection.isClosed else { return }
        if Self.keepsSession(error) {
            do {
                try await connection.query("ROLLBACK", logger: logger)
                return
            } catch {}
        }
        try? await connection.close()
    }

    /// Whether the session is known to be intact after `error`: the server answered a statement
    /// with an ordinary `ERROR` (a constraint, a lock timeout…), or the error is not postgres-nio's
    /// at all (the body's own, thrown between statements). A cancelled query, a failed channel
    /// or a `FATAL`/`PANIC` leaves the connection in doubt.
    static func keepsSession(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return !(error is CancellationError) }
        guard error.code == .server else { return false }
        return (error.serverInfo?[.severity] ?? "") == "ERROR"
    }
}
