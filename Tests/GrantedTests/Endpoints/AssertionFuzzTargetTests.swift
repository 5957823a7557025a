import Foundation
import Testing

@_spi(Testing) @testable import Granted
@testable import GrantedFuzzChecks

/// The `assertion` fuzz target reaches its accepting branch: a valid seed authenticates once, so
/// the invariants on accepted assertions are exercised, not vacuous.
@Suite("The assertion fuzz target", .serialized)
struct AssertionFuzzTargetTests {
    @Test("mode 1 with valid claims is accepted once, then a replay")
    func validSeedAccepted() async throws {
        let claims = #"{"iss":"jwt-client","sub":"jwt-client","aud":"https://as.example","exp":1700000060,"jti":"unit-test"}"#
        let accepted = Locked(0)
        try await AssertionChecks.$acceptances.withValue(accepted) {
            try await FuzzTarget.assertion.check([1] + Array(claims.utf8))
        }
        #expect(accepted.withLock { $0 } == 1)
        let assertion = try AssertionChecks.signed(header: Array(#"{"alg":"HS256"}"#.utf8), payload: Array(claims.utf8))
        try AssertionChecks.requireAcceptable(assertion)
    }

    @Test("with the sixth bit set the target runs under .issuerOnly: the issuer alone is accepted, the token endpoint never (RFC 10070)")
    func issuerOnlyMode() async throws {
        let issuerClaims = #"{"iss":"jwt-client","sub":"jwt-client","aud":"https://as.example","exp":1700000060,"jti":"unit-test-issuer-only"}"#
        let endpointClaims = #"{"iss":"jwt-client","sub":"jwt-client","aud":"https://as.example/token","exp":1700000060,"jti":"unit-test-endpoint"}"#
        let accepted = Locked(0)
        try await AssertionChecks.$acceptances.withValue(accepted) {
            try await FuzzTarget.assertion.check([0x22] + Array(endpointClaims.utf8))
        }
        #expect(accepted.withLock { $0 } == 0)
        try await AssertionChecks.$acceptances.withValue(accepted) {
            try await FuzzTarget.assertion.check([0x22] + Array(issuerClaims.utf8))
        }
        #expect(accepted.withLock { $0 } == 1)
        let endpoint = try AssertionChecks.signed(header: Array(#"{"alg":"HS256"}"#.utf8), payload: Array(endpointClaims.utf8))
        #expect(throws: (any Error).self) { try AssertionChecks.requireAcceptable(endpoint, audience: .issuerOnly) }
    }
}
