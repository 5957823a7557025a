import Foundation
import Testing
@testable import Granted

@Suite("Authorization code grant, called directly (RFC 6749 §4.1.3, §4.1.4)")
struct AuthorizationCodePlanTests {
    let now = GrantFixtures.now

    @Test("a redeemed code starts a family with a refresh token when policy and client allow it (§4.1.4)",
          arguments: [(true, true), (true, false), (false, true)])
    func family(policyIssues: Bool, clientAllows: Bool) throws {
        var policy = Policy()
        policy.issuesRefreshTokens = policyIssues
        var client = GrantFixtures.confidential
        if !clientAllows { client.grantTypes.remove(.refreshToken) }
        let code = GrantFixtures.code()
        let plan = try AuthorizationCodeGrant.plan(
            for: code, client: client, authorization: GrantFixtures.authorization(), policy: policy, now: now)
        guard case .start(let start) = plan.family else {
            Issue.record("expected a new family, got \(plan.family)")
            return
        }
        #expect(start.id == code.family)
        #expect(start.authTime == code.authTime)
        #expect(start.issuesRefreshToken == (policyIssues && clientAllows))
        #expect(plan.subject == code.subject)
        #expect(plan.authorization == code.authorization)
        #expect(plan.scopes == code.scopes)
    }

    @Test("the family ends when the policy's refresh lifetime says (RFC 9700 §4.14.2)", arguments: [nil, 3600.0])
    func familyExpiry(lifetime: TimeInterval?) throws {
        var policy = Policy()
        policy.refreshTokenLifetime = lifetime
        let plan = try AuthorizationCodeGrant.plan(
            for: GrantFixtures.code(), client: GrantFixtures.confidential,
            authorization: GrantFixtures.authorization(), policy: policy, now: now)
        guard case .start(let start) = plan.family else { throw PlanError.notStarted }
        #expect(start.expiresAt == lifetime.map { now + $0 })
    }

    @Test("an ID token only for an OpenID Connect code, carrying its nonce and auth_time (Core §3.1.3.3)",
          arguments: [([Scope.public], nil), ([.openid, .public], "n-0S6_WzA2Mj")] as [([Scope], String?)])
    func idToken(scopes: [Scope], nonce: String?) throws {
        let code = GrantFixtures.code(scopes: ScopeSet(scopes), nonce: nonce)
        let plan = try AuthorizationCodeGrant.plan(
            for: code, client: GrantFixtures.confidential, authorization: GrantFixtures.authorization(),
            policy: Policy(), now: now)
        if scopes.contains(.openid) {
            #expect(plan.idToken == IDTokenPlan(nonce: nonce, authTime: code.authTime))
        } else {
            #expect(plan.idToken == nil)
        }
    }

    @Test("a code whose user authorization was revoked or is gone issues nothing (invalid_grant)",
          arguments: [true, false])
    func revokedAuthorization(gone: Bool) {
        let authorization = gone ? nil : GrantFixtures.authorization(revoked: true)
        #expect(throws: OAuthError.invalidGrant("the user revoked this authorization")) {
            try AuthorizationCodeGrant.plan(
                for: GrantFixtures.code(), client: GrantFixtures.confidential, authorization: authorization,
                policy: Policy(), now: now)
        }
    }

    @Test("a replay's tombstone is the revoked family of the first redemption (§4.1.2)")
    func tombstone() {
        let code = GrantFixtures.code()
        let family = AuthorizationCodeGrant.revokedFamily(of: code, at: now)
        #expect(family.id == code.family)
        #expect(family.client == code.client)
        #expect(family.authorization == code.authorization)
        #expect(family.state == .revoked(at: now))
        #expect(family.current == nil)
    }

    @Test("the redemption refuses another client's code and leaves it redeemable (§4.1.3)")
    func bindingToClient() {
        var code = GrantFixtures.code()
        let outcome = AuthorizationCodeGrant.redeem(
            &code, client: "someone-else", redirectURI: "https://app.example/cb", verifier: nil, at: now)
        #expect(outcome == .refused("the code was issued to another client"))
        #expect(code.state == .issued(expiresAt: now + 30))
    }

    enum PlanError: Error { case notStarted }
}
