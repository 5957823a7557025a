import Foundation
import Testing

@testable import GrantedFuzzChecks

/// The `assertion` fuzz target reaches its accepting branch: a valid seed authenticates once, so
/// the invariants on accepted assertions are exercised, not vacuous.
@Suite("The assertion fuzz target")
struct AssertionFuzzTargetTests {
    @Test("mode 1 with valid claims is accepted once, then a replay")
    func validSeedAccepted() async throws {
        let claims = #"{"iss":"jwt-client","sub":"jwt-client","aud":"https://as.example","exp":1700000060,"jti":"unit-test"}"#
        let before = AssertionChecks.acceptedCount
        try await FuzzTarget.assertion.check([1] + Array(claims.utf8))
        #expect(AssertionChecks.acceptedCount == before + 1)
        let assertion = try AssertionChecks.signed(header: Array(#"{"alg":"HS256"}"#.utf8), payload: Array(claims.utf8))
        try AssertionChecks.requireAcceptable(assertion)
    }
}
