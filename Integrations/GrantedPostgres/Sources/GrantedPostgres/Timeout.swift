import PostgresNIO
import Synchronization

/// Runs `operation`, or throws `PostgresStoreError.timedOut` once `timeout` has passed and
/// cancels it. Cancelling ends a wait for a pooled connection at once (the case that matters: an
/// unreachable database); a statement already sent runs to its end first.
///
/// Every store call pays for this deadline, so it is kept cheap: both children start at once on
/// the caller's thread (SE-0472's immediate tasks) instead of each waiting for a thread of the
/// global executor, and the deadline is a timer on one of postgres-nio's event loops
/// (`expiry(after:)`) that a call ending in time removes, instead of a `Task.sleep` (a dispatch
/// timer per call, armed and cancelled on dispatch's own threads). Measured in
/// `granted-pg-bench`: the process's CPU per verification fell by about a fifth (BENCHMARKS.md).
func withTimeout<Result: Sendable>(
    _ timeout: Duration?, _ operation: @Sendable () async throws -> Result
) async throws -> Result {
    guard let timeout else { return try await operation() }
    return try await withoutActuallyEscaping(operation) { operation in
        try await withThrowingTaskGroup(of: Result?.self) { group in
            // Both children start on this thread, up to their first wait (SE-0472), instead of
            // each waiting for a thread of the global executor first.
            if #available(macOS 26, *) {
                group.addImmediateTask { try await operation() }
                group.addImmediateTask {
                    try await expiry(after: timeout)
                    return nil
                }
            } else {
                group.addTask { try await operation() }
                group.addTask {
                    try await expiry(after: timeout)
                    return nil
                }
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw PostgresStoreError.timedOut(timeout)
            }
            return result
        }
    }
}

/// Returns once `timeout` has passed, on a timer of postgres-nio's default event loop group;
/// throws `CancellationError` as soon as the task is cancelled (resumed right there, so a call
/// that ended in time does not wait for the event loop to confirm), and cancels the timer.
func expiry(after timeout: Duration) async throws {
    let (seconds, attoseconds) = timeout.components
    let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    let timer = Mutex(ExpiryTimer.waiting)
    try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let scheduled = PostgresClient.defaultEventLoopGroup.any().scheduleTask(in: delay) {
                if let expired = timer.withLock({ $0.expire() }) { expired.resume() }
            }
            let state = timer.withLock { state in
                if case .waiting = state { state = .armed(continuation, scheduled) }
                return state
            }
            switch state {
            case .armed: break
            case .waiting, .expired: continuation.resume()
            case .cancelled:
                scheduled.cancel()
                continuation.resume(throwing: CancellationError())
            }
        }
    } onCancel: {
        let armed = timer.withLock { state in
            defer { state = .cancelled }
            guard case .armed(let continuation, let scheduled) = state else {
                return (CheckedContinuation<Void, any Error>, Scheduled<Void>)?.none
            }
            return (continuation, scheduled)
        }
        if let (continuation, scheduled) = armed {
            scheduled.cancel()
            continuation.resume(throwing: CancellationError())
        }
    }
}

/// The timer of one `expiry(after:)`. Whoever moves it out of `armed` resumes the waiting task;
/// before it is armed, the timer or a cancellation leave their word for the arming to act on.
private enum ExpiryTimer: Sendable {
    case waiting
    case armed(CheckedContinuation<Void, any Error>, Scheduled<Void>)
    case expired
    case cancelled

    /// The timer fired: the continuation to resume, if armed and not cancelled.
    mutating func expire() -> CheckedContinuation<Void, any Error>? {
        switch self {
        case .waiting:
            self = .expired
            return nil
        case .armed(let continuation, _):
            self = .expired
            return continuation
        case .expired, .cancelled:
            return nil
        }
    }
}
