/// Runs `operation`, or throws `PostgresStoreError.timedOut` once `timeout` has passed and
/// cancels it. Cancelling ends a wait for a pooled connection at once (the case that matters: an
/// unreachable database); a statement already sent runs to its end first.
func withTimeout<Result: Sendable>(
    _ timeout: Duration?, _ operation: @Sendable () async throws -> Result
) async throws -> Result {
    guard let timeout else { return try await operation() }
    return try await withoutActuallyEscaping(operation) { operation in
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw PostgresStoreError.timedOut(timeout)
            }
            return result
        }
    }
}
