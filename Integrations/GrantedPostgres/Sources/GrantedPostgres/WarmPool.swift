import PostgresNIO

extension PostgresClient.Configuration {
    /// Opens every connection up front (`minimumConnections` = `maximumConnections`) and sends
    /// no keep-alive queries (`keepAliveBehavior` = nil), so the pool arms no timer per request.
    ///
    /// postgres-nio's pool parks a connection after each lease. Parking arms a keep-alive timer,
    /// and for a connection above `minimumConnections` an idle-timeout timer, each a child task
    /// asleep on the clock; the next lease cancels them. That is two thread wake-ups or more per
    /// store call, most of the CPU a call costs at one connection. The price of a warm pool: it
    /// holds `maximumConnections` connections for the life of the process, and a connection the
    /// network dropped while idle is found only by the next statement on it, which fails.
    ///
    /// For `PostgresStorage(url:…, configure: { $0.warmPool() })`, or a host's own client.
    public mutating func warmPool() {
        options.minimumConnections = options.maximumConnections
        options.keepAliveBehavior = nil
    }
}
