import PostgresNIO
import Synchronization

/// Runs `operation`, or throws `PostgresStoreError.timedOut` once `timeout` has passed and
/// cancels it. Cancelling ends a wait for a pooled connection at once (the case that matters: an
/// unreachable database); a statement already sent runs to its end first, and the call returns
/// when it has.
///
/// Every store call pays for this deadline, so it arms no timer of its own. The operation starts
/// at once on the caller's thread as a task of its own (SE-0472's `Task.immediate`), and its
/// deadline goes in a table (`Deadlines`) under a lock; one task for the whole process sleeps
/// until the earliest deadline in the table and cancels what has passed it. A call that ends in
/// time only takes its entry out. Before, each call armed and cancelled a timer on an event loop
/// and ran two child tasks, several thread wake-ups per call: with a warm pool, a quarter of
/// `granted-pg-bench`'s CPU (BENCHMARKS.md).
func withTimeout<Result: Sendable>(
    _ timeout: Duration?, deadlines: Deadlines = .shared, _ operation: @Sendable () async throws -> Result
) async throws -> Result {
    guard let timeout else { return try await operation() }
    let deadline = ContinuousClock.now.advanced(by: timeout)
    return try await withoutActuallyEscaping(operation) { operation in
        // The task is awaited below before this closure returns, and a finished task has let go
        // of its closure, so `operation` does not escape.
        let call: Task<Result, any Error>
        if #available(macOS 26, *) {
            call = Task.immediate { try await operation() }
        } else {
            call = Task { try await operation() }
        }
        let entry = deadlines.add(deadline) { call.cancel() }
        let result = await withTaskCancellationHandler {
            await call.result
        } onCancel: {
            call.cancel()
        }
        guard let entry, deadlines.remove(entry) else { throw PostgresStoreError.timedOut(timeout) }
        return try result.get()
    }
}

/// The deadlines of the store calls in flight in this process, and the one task that cancels
/// the calls that pass theirs.
///
/// Adding and removing a call is a dictionary change under a lock. The reaper sleeps until the
/// earliest deadline in the table, so a call added with a later deadline than that (every call,
/// when the stores share one timeout) never wakes it. It is restarted only for an earlier
/// deadline, and it stops when the table has stayed empty for a second.
final class Deadlines: Sendable {
    static let shared = Deadlines()

    private struct Call {
        let deadline: ContinuousClock.Instant
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var calls: [UInt64: Call] = [:]
        /// When the running reaper wakes next; nil when none runs.
        var reaperWakes: ContinuousClock.Instant?
        var reaper: Task<Void, Never>?
        /// Which reaper is the current one: one that was replaced finds it changed and stops.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    /// How long the reaper waits on an empty table before it stops.
    let linger: Duration

    init(linger: Duration = .seconds(1)) { self.linger = linger }

    /// Adds a call that `cancel` cancels; answers its entry, or nil (and cancels it at once) when
    /// its deadline has passed already.
    func add(_ deadline: ContinuousClock.Instant, cancel: @escaping @Sendable () -> Void) -> UInt64? {
        let entry: UInt64? = state.withLock { state in
            guard deadline > .now else { return nil }
            let id = state.nextID
            state.nextID &+= 1
            state.calls[id] = Call(deadline: deadline, cancel: cancel)
            if state.reaperWakes.map({ deadline < $0 }) ?? true { startReaper(wakingAt: deadline, &state) }
            return id
        }
        if entry == nil { cancel() }
        return entry
    }

    /// Takes a call out: true if it was still in the table, false if the reaper had cancelled it
    /// for passing its deadline.
    func remove(_ entry: UInt64) -> Bool {
        state.withLock { $0.calls.removeValue(forKey: entry) != nil }
    }

    /// The calls in the table, and whether a reaper runs: for tests.
    var inspect: (calls: Int, reaping: Bool) { state.withLock { ($0.calls.count, $0.reaper != nil) } }

    private func startReaper(wakingAt instant: ContinuousClock.Instant, _ state: inout State) {
        state.reaper?.cancel()
        state.generation &+= 1
        state.reaperWakes = instant
        let generation = state.generation
        state.reaper = Task.detached { await self.reap(generation, firstWake: instant) }
    }

    private func reap(_ generation: UInt64, firstWake: ContinuousClock.Instant) async {
        var wake = firstWake
        var idle = false
        while true {
            do { try await Task.sleep(until: wake, clock: .continuous) } catch { return }
            let now = ContinuousClock.now
            let (expired, next): ([@Sendable () -> Void], ContinuousClock.Instant?) = state.withLock { state in
                guard state.generation == generation else { return ([], nil) }
                var expired: [@Sendable () -> Void] = []
                var earliest: ContinuousClock.Instant?
                for (id, call) in state.calls {
                    if call.deadline <= now {
                        expired.append(call.cancel)
                        state.calls[id] = nil
                    } else if earliest.map({ call.deadline < $0 }) ?? true {
                        earliest = call.deadline
                    }
                }
                if earliest == nil && idle {
                    state.reaperWakes = nil
                    state.reaper = nil
                    return (expired, nil)
                }
                idle = earliest == nil
                let next = earliest ?? now.advanced(by: linger)
                state.reaperWakes = next
                return (expired, next)
            }
            for cancel in expired { cancel() }
            guard let next else { return }
            wake = next
        }
    }
}
