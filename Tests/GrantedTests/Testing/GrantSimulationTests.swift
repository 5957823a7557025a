import Granted
import GrantedTesting
import Testing

/// The deterministic simulation over the in-memory store: random interleavings of every flow,
/// racing exchanges and refreshes, and injected store faults, each answer checked against the
/// model. A failure names its seed; the case reruns alone.
@Suite("Grant simulation: the in-memory store (RFC 6749 §4.1.2, §6, §10.5; RFC 7009; RFC 9700 §4.14.2)")
struct GrantSimulationTests {
    @Test("every answer is one the model allows, faults and races included", arguments: 0..<200)
    func inMemory(seed: UInt64) async {
        var simulation = GrantSimulation(seed: seed, policy: Self.policy(seed), store: InMemoryGrantStore())
        let divergence = await simulation.run(steps: 40)
        #expect(divergence == nil, "\(divergence.map(String.init(describing:)) ?? "")")
    }

    /// Odd seeds keep confidential clients' refresh tokens; every fifth issues none; every
    /// seventh lets access tokens live forever; every third keeps refresh tokens at sign-out.
    static func policy(_ seed: UInt64) -> Policy {
        var policy = Policy()
        policy.signOutRevokesRefreshTokens = seed % 3 != 2
        policy.rotatesRefreshTokens = seed % 2 == 0
        policy.issuesRefreshTokens = seed % 5 != 4
        if seed % 7 == 6 { policy.accessTokenLifetime = nil }
        return policy
    }

    @Test("a seed replays: the same seed gives the same run", arguments: [3, 42] as [UInt64])
    func replays(seed: UInt64) async {
        var first = GrantSimulation(seed: seed, store: InMemoryGrantStore(), faultPercent: 0)
        var second = GrantSimulation(seed: seed, store: InMemoryGrantStore(), faultPercent: 0)
        #expect(await first.run(steps: 30) == nil)
        #expect(await second.run(steps: 30) == nil)
        #expect(first.clock.now == second.clock.now)
    }

    @Test("a policy the model does not cover is reported, not silently passed")
    func unsupportedPolicy() async throws {
        var policy = Policy()
        policy.refreshTokenGracePeriod = 10
        var simulation = GrantSimulation(seed: 1, policy: policy, store: InMemoryGrantStore())
        let divergence = try #require(await simulation.run())
        #expect(divergence.action == "configuration")
        #expect(divergence.seed == 1)
    }
}

extension GrantSimulationTests {
    @Test("the runs above do inject faults, race requests, replay jtis, run DPoP steps and sign out")
    func exercisesFaultsAndRaces() async {
        var faults = 0
        var races = 0
        var replays = 0
        var dpopFlows = 0
        var signOuts = 0
        for seed in 0..<30 as Range<UInt64> {
            var simulation = GrantSimulation(seed: seed, policy: Self.policy(seed), store: InMemoryGrantStore())
            #expect(await simulation.run(steps: 40) == nil)
            faults += simulation.faultsFired
            races += simulation.races
            replays += simulation.replayedAssertions
            dpopFlows += simulation.dpopFlows
            signOuts += simulation.deliveringSignOuts
        }
        #expect(faults >= 10, "faults fired in 30 runs: \(faults)")
        #expect(races >= 10, "racing steps in 30 runs: \(races)")
        #expect(replays >= 5, "assertion steps reusing a recorded jti in 30 runs: \(replays)")
        #expect(dpopFlows >= 10, "DPoP steps in 30 runs: \(dpopFlows)")
        #expect(signOuts >= 5, "sign-out steps that told a client in 30 runs: \(signOuts)")
    }
}
