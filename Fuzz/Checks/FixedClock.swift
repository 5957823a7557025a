import Foundation

#if canImport(Granted)
    import Granted
#endif

/// A clock that never moves: fuzz inputs replay the same at any hour. (Fuzz/run compiles these
/// files with Granted's sources alone, so `GrantedTesting.ManualClock` is out of reach.)
struct FixedClock: WallClock {
    let now: Date
}
