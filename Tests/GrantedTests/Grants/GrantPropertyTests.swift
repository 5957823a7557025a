import Foundation
import Testing
@testable import Granted

/// Random sequences of what users and clients do (authorize, approve with a narrower scope,
/// deny, redeem, redeem again, refresh, revoke, let time pass) against a real server, with a
/// model of what must hold checked after every step. A failure names its seed and step.
@Suite("Grant invariants under random operations (RFC 6749 §4.1.2, §6, §10.5; RFC 9700 §4.14.2)")
struct GrantPropertyTests {
    @Test(
        "codes yield tokens once; revoked, expired and replayed grants never verify; scopes never widen",
        arguments: 0..<100)
    func invariants(seed: UInt64) async throws {
        var simulation = GrantSimulation(seed: seed)
        for step in 0..<60 {
            try await simulation.randomStep(step)
            await simulation.checkInvariants(step)
        }
    }
}
