import Foundation
import Testing
@testable import Granted

@Suite("Refresh token grant, called directly (RFC 6749 §6; RFC 9700 §4.14.2)")
struct RefreshTokenGrantTests {
    let now = GrantFixtures.now

    @Test("the same or a narrower scope, never wider (§6)",
          arguments: [(nil, "public profile"), ("public", "public"), ("profile public", "profile public")]
              as [(String?, String)])
    func narrowing(requested: String?, granted: String) throws {
        let family = GrantFixtures.family()
        let scopes = try RefreshTokenGrant.scopes(
            for: .init(refreshToken: "grt_x", scope: requested), family: family,
            authorization: GrantFixtures.authorization(), client: GrantFixtures.confidential)
        #expect(scopes == (try ScopeSet.parse(granted)))
    }

    @Test("asking for more than the original grant is invalid_scope (§6)", arguments: ["email", "public email"])
    func widening(requested: String) {
        #expect(throws: OAuthError.invalidScope("the requested scope exceeds the original grant")) {
            try RefreshTokenGrant.scopes(
                for: .init(refreshToken: "grt_x", scope: requested), family: GrantFixtures.family(),
                authorization: GrantFixtures.authorization(), client: GrantFixtures.confidential)
        }
    }

    @Test("bound to its client and to a live user authorization (§6, §10.4)")
    func binding() {
        let family = GrantFixtures.family()
        #expect(throws: OAuthError.invalidGrant("the refresh token is invalid")) {
            try RefreshTokenGrant.scopes(
                for: .init(refreshToken: "grt_x"), family: family, authorization: GrantFixtures.authorization(),
                client: GrantFixtures.publicClient)
        }
        for authorization in [nil, GrantFixtures.authorization(revoked: true)] {
            #expect(throws: OAuthError.invalidGrant("the user revoked this authorization")) {
                try RefreshTokenGrant.scopes(
                    for: .init(refreshToken: "grt_x"), family: family, authorization: authorization,
                    client: GrantFixtures.confidential)
            }
        }
    }

    @Test("a family that is gone counts as revoked in the transition")
    func goneFamily() {
        var family: RefreshFamily?
        let use = RefreshTokenGrant.use(
            &family, presented: SHA256.hash("grt_current"), client: GrantFixtures.confidential.id,
            rotatingTo: SHA256.hash("grt_next"), accessTokenExpiry: nil, at: now, rules: .init(rotate: true))
        #expect(use == .revoked)
        #expect(family == nil)
    }

    @Test("a granted use continues the family with the rotated token; an ID token for openid keeps auth_time (Core §12.2)",
          arguments: [[Scope.public], [.openid, .public]])
    func grantedPlan(scopes: [Scope]) throws {
        let family = GrantFixtures.family(scopes: [.openid, .public, .profile])
        let plan = try RefreshTokenGrant.plan(
            after: .granted, family: family, scopes: ScopeSet(scopes), audience: [], rotatedTo: "grt_next")
        #expect(plan.family == .continued(family.id, refreshToken: "grt_next"))
        #expect(plan.subject == family.subject)
        #expect(plan.authorization == family.authorization)
        #expect(plan.idToken == (scopes.contains(.openid) ? IDTokenPlan(nonce: nil, authTime: family.authTime) : nil))
    }

    @Test("every other use is invalid_grant, and issues nothing",
          arguments: [RefreshFamily.Use.expired, .revoked, .replayed, .wrongClient])
    func refusedUses(use: RefreshFamily.Use) {
        #expect {
            try RefreshTokenGrant.plan(after: use, family: GrantFixtures.family(), scopes: [.public], audience: [], rotatedTo: nil)
        } throws: { error in
            if case .invalidGrant = error as? OAuthError { true } else { false }
        }
    }
}
