import PostgresNIO

extension PostgresClient.Configuration {
    /// Bounds the server-side waits of every connection this configuration opens, with startup
    /// parameters (PostgreSQL's run-time settings, applied as the session starts):
    ///
    /// - `lock_timeout`: a statement that waits longer than `lock` for a row, table or advisory
    ///   lock fails (`55P03`) instead of waiting for ever. A store call cannot give up on a
    ///   statement the server is running (its timeout only ends waits for a pooled connection),
    ///   so without this a lock that is never released would hang the caller.
    /// - `idle_in_transaction_session_timeout`: the server ends a session whose transaction sits
    ///   idle longer than `idleInTransaction`, releasing its locks. The stores never leave a
    ///   transaction open between statements; this catches one a crash or a bug would.
    ///
    /// `PostgresStorage(url:)` applies it with the store's timeout; a host that makes its own
    /// `PostgresClient` for the stores should apply it too.
    public mutating func boundServerWaits(lock: Duration = .seconds(10), idleInTransaction: Duration = .seconds(60)) {
        options.additionalStartupParameters.removeAll {
            $0.0 == "lock_timeout" || $0.0 == "idle_in_transaction_session_timeout"
        }
        options.additionalStartupParameters.append(("lock_timeout", Self.milliseconds(lock)))
        options.additionalStartupParameters.append(
            ("idle_in_transaction_session_timeout", Self.milliseconds(idleInTransaction)))
    }

    /// A duration as PostgreSQL's integer milliseconds, at least 1 (0 would mean no limit).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
