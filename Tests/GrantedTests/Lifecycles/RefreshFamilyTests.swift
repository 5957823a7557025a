import Foundation
import Testing
@testable import Granted
import GrantedTesting

extension RefreshFamily {
    /// A family created at `t0` for `code-app` whose live refresh token is `RefreshFamilyTests.token(0)`.
    static func fixture(expiresAt: Date? = nil, accessTokensExpireBy: Date? = nil) -> RefreshFamily {
        RefreshFamily(
            id: FamilyID(uuid: UUID()), client: CodeFlow.webApp.clientID, subject: CodeFlow.alice,
            scopes: [.public, .profile], authorization: AuthorizationID(uuid: UUID()), authTime: RefreshFamilyTests.t0,
            createdAt: RefreshFamilyTests.t0, expiresAt: expiresAt, current: RefreshFamilyTests.token(0),
            accessTokensExpireBy: accessTokensExpireBy)
    }
}

@Suite("Refresh token family lifecycle (RFC 6749 §6; RFC 9700 §4.14.2)")
struct RefreshFamilyTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    var t0: Date { Self.t0 }
    static let rotating = RefreshFamily.Rules(rotate: true)

    /// The digest of the `generation`th refresh token.
    static func token(_ generation: Int) -> Digest256 { SHA256.hash("grt_generation_\(generation)") }
    func token(_ generation: Int) -> Digest256 { Self.token(generation) }

    /// Uses generation `presented`, rotating to `next`.
    func use(
        _ family: inout RefreshFamily, _ presented: Int, next: Int, at seconds: TimeInterval,
        rules: RefreshFamily.Rules = RefreshFamilyTests.rotating, client: ClientID = CodeFlow.webApp.clientID
    ) -> RefreshFamily.Use {
        family.use(
            token(presented), by: client, rotatingTo: token(next), accessTokenExpiry: nil, at: t0 + seconds,
            rules: rules)
    }

    @Test("using the live token rotates it: the next generation becomes the only live one (RFC 9700 §4.14.2)")
    func rotation() {
        var family = RefreshFamily.fixture()
        #expect(use(&family, 0, next: 1, at: 10) == .granted)
        #expect(family.current == token(1))
        #expect(family.previous?.digest == token(0))
        #expect(family.lastUsedAt == t0 + 10)
        #expect(use(&family, 1, next: 2, at: 20) == .granted)
        #expect(family.current == token(2))
    }

    @Test("an older generation presented again revokes the family (RFC 9700 §4.14.2)", arguments: [0, 1, 2])
    func reuse(generation: Int) {
        var family = RefreshFamily.fixture()
        for next in 1...3 { _ = use(&family, next - 1, next: next, at: TimeInterval(next)) }
        #expect(use(&family, generation, next: 9, at: 10) == .replayed)
        #expect(family.state == .revoked(at: t0 + 10))
        #expect(!family.state.isActive)
        #expect(use(&family, 3, next: 9, at: 11) == .revoked)
    }

    @Test("a token the family never issued revokes it too (RFC 9700 §4.14.2)")
    func unknownDigest() {
        var family = RefreshFamily.fixture()
        #expect(use(&family, 42, next: 1, at: 1) == .replayed)
        #expect(!family.state.isActive)
    }

    @Test("without rotation the same token works every time (RFC 6749 §6)", arguments: [1, 2, 10])
    func noRotation(uses: Int) {
        var family = RefreshFamily.fixture()
        let rules = RefreshFamily.Rules(rotate: false)
        for index in 0..<uses {
            #expect(use(&family, 0, next: index + 1, at: TimeInterval(index), rules: rules) == .granted)
        }
        #expect(family.current == token(0))
        #expect(family.previous == nil)
    }

    @Test("another client's use is refused and changes nothing (RFC 6749 §6)")
    func wrongClient() {
        var family = RefreshFamily.fixture()
        let before = family
        #expect(use(&family, 0, next: 1, at: 1, client: CodeFlow.otherApp.clientID) == .wrongClient)
        #expect(use(&family, 7, next: 1, at: 1, client: CodeFlow.otherApp.clientID) == .wrongClient)
        #expect(family == before)
    }

    @Test(
        "the previous token may be retried once within the grace period, then it revokes (RFC 9700 §4.14.2)",
        arguments: [0, 1, 5, 9, 10, 11, 3600])
    func gracePeriod(afterSeconds seconds: Int) {
        var family = RefreshFamily.fixture()
        let rules = RefreshFamily.Rules(rotate: true, gracePeriod: 10)
        #expect(use(&family, 0, next: 1, at: 100, rules: rules) == .granted)
        let within = seconds < 10
        let retry = use(&family, 0, next: 2, at: 100 + TimeInterval(seconds), rules: rules)
        #expect(retry == (within ? .granted : .replayed))
        if within {
            #expect(family.current == token(2))
            #expect(use(&family, 0, next: 3, at: 100 + TimeInterval(seconds), rules: rules) == .replayed)
        }
        #expect(!family.state.isActive)
    }

    @Test("after a grace retry, the generation whose answer was lost is stale (RFC 9700 §4.14.2)")
    func graceRetryStalesLostGeneration() {
        var family = RefreshFamily.fixture()
        let rules = RefreshFamily.Rules(rotate: true, gracePeriod: 10)
        _ = use(&family, 0, next: 1, at: 0, rules: rules)
        #expect(use(&family, 0, next: 2, at: 1, rules: rules) == .granted)
        #expect(use(&family, 1, next: 3, at: 2, rules: rules) == .replayed)
    }

    @Test(
        "a family unused for its idle lifetime has expired (RFC 9700 §4.14.2)",
        arguments: [0, 1, 3599, 3600, 3601, 86_400])
    func idleLifetime(afterSeconds seconds: Int) {
        var family = RefreshFamily.fixture()
        let rules = RefreshFamily.Rules(rotate: true, idleLifetime: 3600)
        let before = family
        let outcome = use(&family, 0, next: 1, at: TimeInterval(seconds), rules: rules)
        #expect(outcome == (seconds < 3600 ? .granted : .expired))
        if seconds >= 3600 { #expect(family == before, "expiry changes nothing") }
    }

    @Test("each use restarts the idle clock (RFC 9700 §4.14.2)")
    func idleRestarts() {
        var family = RefreshFamily.fixture()
        let rules = RefreshFamily.Rules(rotate: true, idleLifetime: 3600)
        for generation in 0..<5 {
            let at = TimeInterval(3000 * (generation + 1))
            #expect(use(&family, generation, next: generation + 1, at: at, rules: rules) == .granted)
        }
        #expect(use(&family, 5, next: 6, at: 15_000 + 3600, rules: rules) == .expired)
    }

    @Test(
        "an absolute expiry ends the family however recently it was used (RFC 6749 §6)",
        arguments: [0, 1, 86_399, 86_400, 86_401])
    func absoluteExpiry(afterSeconds seconds: Int) {
        var family = RefreshFamily.fixture(expiresAt: t0 + 86_400)
        #expect(use(&family, 0, next: 1, at: TimeInterval(seconds)) == (seconds < 86_400 ? .granted : .expired))
        #expect(family.isActive(at: t0 + TimeInterval(seconds), idleLifetime: Self.rotating.idleLifetime) == (seconds < 86_400))
    }

    @Test("a revoked family refuses even its live token, and revoking twice reports no change")
    func revoke() {
        var family = RefreshFamily.fixture()
        let first = family.revoke(at: t0 + 1)
        let second = family.revoke(at: t0 + 2)
        #expect(first)
        #expect(!second)
        #expect(family.state == .revoked(at: t0 + 1))
        #expect(use(&family, 0, next: 1, at: 3) == .revoked)
    }

    @Test("uses keep the latest access token expiry; a never-expiring one stays never")
    func accessTokenExpiry() {
        var family = RefreshFamily.fixture(accessTokensExpireBy: t0 + 100)
        func use(_ generation: Int, expiry: Date?) {
            _ = family.use(
                token(generation), by: CodeFlow.webApp.clientID, rotatingTo: token(generation + 1),
                accessTokenExpiry: expiry, at: t0 + TimeInterval(generation + 1), rules: Self.rotating)
        }
        use(0, expiry: t0 + 500)
        #expect(family.accessTokensExpireBy == t0 + 500)
        use(1, expiry: t0 + 200)
        #expect(family.accessTokensExpireBy == t0 + 500)
        use(2, expiry: nil)
        #expect(family.accessTokensExpireBy == nil)
    }

    @Test("deadSince: when revoked; never while a refresh token without expiry is live")
    func deadSince() {
        var family = RefreshFamily.fixture(accessTokensExpireBy: t0 + 100)
        #expect(family.deadSince == nil)
        let expiring = RefreshFamily.fixture(expiresAt: t0 + 1000, accessTokensExpireBy: t0 + 100)
        #expect(expiring.deadSince == t0 + 1000)
        family.revoke(at: t0 + 5)
        #expect(family.deadSince == t0 + 5)
    }

    @Test(
        "with rotation, at most one token of a family works at any moment, whatever is presented (RFC 9700 §4.14.2)",
        arguments: 0..<200)
    func atMostOneWorks(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var family = RefreshFamily.fixture()
        var issued = 1
        var now: TimeInterval = 0
        for step in 0..<Int.random(in: 1...12, using: &random) {
            now += .random(in: 0...120, using: &random)
            let presented = Int.random(in: 0..<(issued + 1), using: &random)
            if use(&family, presented, next: issued, at: now) == .granted { issued += 1 }
            let working = (0..<(issued + 1)).filter { generation in
                var probe = family
                return use(&probe, generation, next: 1_000, at: now) == .granted
            }
            #expect(working.count <= 1, "seed \(seed) step \(step): \(working) work")
            #expect(working == (family.state.isActive ? [issued - 1] : []), "seed \(seed) step \(step)")
        }
    }
}
