import Foundation
import GrantedBenchAllocations

/// The counting allocator (Sources/GrantedBenchAllocations): this executable's malloc and its
/// relatives count their calls while counting is on. Glibc only; elsewhere nothing is counted.
enum Allocations {
    static var available: Bool { granted_allocations_available() }

    /// Turns counting on; answers the count so far, for `stop(since:)`.
    static func start() -> UInt64 {
        let count = granted_allocations_count()
        granted_allocations_set_counting(true)
        return count
    }

    /// Turns counting off; answers the allocations since `start()`, or nil where not counted.
    static func stop(since start: UInt64) -> UInt64? {
        granted_allocations_set_counting(false)
        return available ? granted_allocations_count() &- start : nil
    }
}

/// `--slow-down PATH=F`: a deliberate regression, to see `--check` fail.
enum SlowDown {
    /// Busy-waits until `clock` reads `deadline` (the clock alone: no allocation, no sleep).
    static func spin(_ clock: clockid_t, until deadline: UInt64) {
        while nanoseconds(clock) < deadline {}
    }
}
