import Foundation
import Testing

@_spi(Testing) @testable import Granted
@testable import GrantedFuzzChecks

/// The `dpop` fuzz target reaches its accepting branch: the valid seeds are accepted (then
/// refused as replays inside the check), so the invariants on accepted proofs are exercised.
@Suite("The dpop fuzz target")
struct DPoPFuzzTargetTests {
    @Test("valid claims under a valid header (mode 2) and a valid header (mode 1) are each accepted once")
    func validSeedsAccepted() async throws {
        let claims = #"{"htm":"POST","htu":"https://as.example/token?q=1","iat":1700000000,"jti":"unit-test"}"#
        let accepted = Locked(0)
        try await DPoPChecks.$acceptances.withValue(accepted) {
            try await FuzzTarget.dpop.check([2] + Array(claims.utf8))
            try await FuzzTarget.dpop.check([1] + Array(DPoPChecks.header.utf8))
        }
        #expect(accepted.withLock { $0 } == 2)
    }
}
