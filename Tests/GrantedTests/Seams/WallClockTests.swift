import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Wall clocks")
struct WallClockTests {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("a manual clock stands still until moved", arguments: [0, 1, 29.5, 1_209_600] as [TimeInterval])
    func manualAdvance(seconds: TimeInterval) {
        let clock = ManualClock(t0)
        #expect(clock.now == t0)
        #expect(clock.now == t0)
        clock.advance(by: seconds)
        #expect(clock.now == t0 + seconds)
    }

    @Test("a manual clock can be set to any instant, also backwards")
    func manualSet() {
        let clock = ManualClock(t0)
        clock.set(t0 + 100)
        #expect(clock.now == t0 + 100)
        clock.set(t0 - 100)
        #expect(clock.now == t0 - 100)
    }

    @Test("a manual clock starts at a fixed instant by default")
    func manualDefault() {
        #expect(ManualClock().now == t0)
    }

    @Test("moves from many tasks all add up")
    func concurrentAdvance() async {
        let clock = ManualClock(t0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { clock.advance(by: 1) } }
        }
        #expect(clock.now == t0 + 100)
    }

    @Test("the system clock reads the system's wall time")
    func systemClock() {
        let before = Date()
        let now = SystemClock().now
        let after = Date()
        #expect(before <= now && now <= after)
    }
}
