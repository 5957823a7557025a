import Foundation
@_spi(Testing) import Granted


/// A clock that moves only by hand, for tests that drive expiry: share one between the server
/// and the test, then `advance(by:)` past a lifetime.
public final class ManualClock: WallClock {
    private let current: Locked<Date>

    /// - Parameter start: the first `now`; by default 2023-11-14T22:13:20Z, whole seconds, so
    ///   every store keeps the dates exactly.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Locked(start) }

    public var now: Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}
