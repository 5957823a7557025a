import Foundation


/// Wall time (RFC 7519 NumericDate needs it). Read once per request, then pass `now` down.
/// (Not `Clock`: a public `Clock` would hide `Swift.Clock` in every host file.)
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only by hand: for tests that drive expiry.
public final class ManualClock: WallClock {
    private let current: Locked<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Locked(start) }
    public var now: Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}
