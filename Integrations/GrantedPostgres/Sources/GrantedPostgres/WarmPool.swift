import PostgresNIO

extension PostgresClient.Configuration {
    /// Opens every connection up front (`minimumConnections` = `maximumConnections`) and sends
    /// no keep-alive queries (`keepAliveBehavior` = nil), so the pool arms no timer per request.
    ///
    /// postgres-nio's pool parks a connection after each lease. Parking arms a keep-alive timer,
    /// and for a connection above `minimumConnections` an idle-timeout timer, each a child task
    /// asleep on the clock; the next lease cancels them: thread wake-ups on every store call, a
    /// third of `granted-pg-bench`'s CPU per call at 16 connections. The price of a warm pool: it
    /// holds `maximumConnections` connections for the life of the process, and a connection the
    /// network dropped while idle is found only by the next statement on it, which fails.
    ///
    /// For `PostgresStorage(url:…, configure: { $0.warmPool() })`, or a host's own client.
    public mutating func warmPool() {
        options.minimumConnections = options.maximumConnections
        options.keepAliveBehavior = nil
    }
}
