@testable import GrantedPostgres
import Testing

/// The store calls' deadline (`withTimeout`): no database needed, the operations are sleeps.
@Suite("Store call timeout", .timeLimit(.minutes(1)))
struct TimeoutTests {
    @Test("an operation that outlasts the timeout throws timedOut, however short the timeout", arguments: [0, 1, 50])
    func expires(milliseconds: Int) async {
        let timeout = Duration.milliseconds(milliseconds)
        let started = ContinuousClock.now
        await #expect(throws: PostgresStoreError.timedOut(timeout)) {
            try await withTimeout(timeout) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10), "the sleep was cancelled, not waited for")
    }

    @Test("an operation that ends in time returns its result at once and leaves no deadline behind")
    func endsInTime() async throws {
        let deadlines = Deadlines()
        let started = ContinuousClock.now
        for value in 0..<100 {
            #expect(try await withTimeout(.seconds(30), deadlines: deadlines) { value } == value)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(deadlines.inspect.calls == 0)
    }

    @Test("a call with an earlier deadline than any in flight still ends at its own")
    func earlierDeadline() async throws {
        let deadlines = Deadlines()
        // In flight first: the reaper sleeps until its deadline, 30 s away.
        let long = Task {
            try await withTimeout(.seconds(30), deadlines: deadlines) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        while deadlines.inspect.calls == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let started = ContinuousClock.now
        await #expect(throws: PostgresStoreError.timedOut(.milliseconds(20))) {
            try await withTimeout(.milliseconds(20), deadlines: deadlines) {
                try await Task.sleep(for: .seconds(30))
                return 2
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10), "the reaper woke for the earlier deadline")
        long.cancel()
        await #expect(throws: CancellationError.self) { try await long.value }
        #expect(deadlines.inspect.calls == 0)
    }

    @Test("the reaper stops once no call has been in flight for its linger")
    func reaperStops() async throws {
        let deadlines = Deadlines(linger: .milliseconds(10))
        // The reaper sleeps until this call's deadline, 2 s away, then lingers 10 ms and stops.
        #expect(try await withTimeout(.seconds(2), deadlines: deadlines) { 7 } == 7)
        #expect(deadlines.inspect.reaping, "the call started one")
        let started = ContinuousClock.now
        while deadlines.inspect.reaping && ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(!deadlines.inspect.reaping)
        // And a later call starts it again and is still bounded.
        await #expect(throws: PostgresStoreError.timedOut(.milliseconds(5))) {
            try await withTimeout(.milliseconds(5), deadlines: deadlines) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
    }

    @Test("an operation's own error is thrown as it is")
    func operationFails() async {
        await #expect(throws: PostgresStoreError.corruptRow(table: "t", column: "c")) {
            try await withTimeout(.seconds(30)) { () async throws -> Int in
                throw PostgresStoreError.corruptRow(table: "t", column: "c")
            }
        }
    }

    @Test("a cancelled caller ends at once, neither result nor timedOut")
    func callerCancelled() async {
        let call = Task {
            try await withTimeout(.seconds(30)) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        try? await Task.sleep(for: .milliseconds(20))
        let started = ContinuousClock.now
        call.cancel()
        let result = await call.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
