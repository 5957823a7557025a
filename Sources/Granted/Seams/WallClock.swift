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

// A clock moved by hand for tests is `GrantedTesting.ManualClock`.
