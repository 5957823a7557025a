// libFuzzer entry point for Granted: one binary, the target chosen by $GRANTED_FUZZ_TARGET.
// Built by Fuzz/run with `swiftc -sanitize=fuzzer,address` over Granted's sources, the checks and
// this file, as one module.
import Dispatch
import Foundation
import Synchronization

let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["GRANTED_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        fatalError("set GRANTED_FUZZ_TARGET to one of: \(names)")
    }
    return target
}()

/// Runs the async check to completion on this thread's behalf (the endpoints are async because
/// stores are; the in-memory store never really suspends).
func runBlocking(_ bytes: [UInt8]) -> FuzzFailure? {
    let outcome = Mutex<FuzzFailure?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            try await selectedTarget.check(bytes)
        } catch let failure as FuzzFailure {
            outcome.withLock { $0 = failure }
        } catch {
            outcome.withLock { $0 = FuzzFailure("unexpected error \(error)") }
        }
        done.signal()
    }
    done.wait()
    return outcome.withLock { $0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let failure = runBlocking(bytes) {
        fatalError("invariant broken in \(selectedTarget.rawValue): \(failure)")
    }
    return 0
}
