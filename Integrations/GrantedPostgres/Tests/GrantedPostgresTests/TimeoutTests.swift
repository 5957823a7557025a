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

    @Test("an operation that ends in time returns its result at once: its timer does not hold the call")
    func endsInTime() async throws {
        let started = ContinuousClock.now
        for value in 0..<100 {
            #expect(try await withTimeout(.seconds(30)) { value } == value)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
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
