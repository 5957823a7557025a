import Foundation
import Testing
@testable import Granted

@Suite("OpenID Connect rules, called directly (Core §3.1.2.1, §3.1.2.6)")
struct OpenIDConnectRulesTests {
    let now = GrantFixtures.now

    func request(_ query: String) throws -> AuthorizationRequest {
        let parameters = try FormParameters(query: query)
        return try AuthorizationResponseGrant.request(
            parameters, client: GrantFixtures.confidential, redirectURI: "https://app.example/cb",
            redirectURIWasGiven: true, rawType: "code", state: nil, mode: .query, policy: Policy(),
            canSignIDTokens: true)
    }

    func session(signedInAgo seconds: TimeInterval, subject: Subject = GrantFixtures.alice) -> UserSession {
        UserSession(subject: subject, authTime: now - seconds)
    }

    @Test("what the session must satisfy, by prompt and max_age",
          arguments: [
              ("scope=openid", 10.0, false, "consent"),
              ("scope=openid&prompt=login", 10, false, "signIn"),
              ("scope=openid&prompt=login", 10, true, "consent"),
              ("scope=openid&prompt=select_account", 10, false, "signIn"),
              ("scope=openid&max_age=60", 61, false, "signIn"),
              ("scope=openid&max_age=60", 60, false, "consent"),
              ("scope=openid&max_age=60&prompt=none", 61, false, "login_required"),
              ("scope=openid&max_age=0", 1, true, "consent"),
          ])
    func step(query: String, ago: TimeInterval, signedInNow: Bool, expected: String) throws {
        let step = OpenIDConnectRules.step(
            for: try request(query), session: session(signedInAgo: ago), hint: .none, signedInNow: signedInNow,
            now: now)
        switch step {
        case .signIn: #expect(expected == "signIn")
        case .reject(let error): #expect(expected == error.code)
        case .checkConsent: #expect(expected == "consent")
        default: Issue.record("unexpected step \(step)")
        }
    }

    @Test("no session: sign in, or login_required when the request forbade it (§3.1.2.6)",
          arguments: [("scope=openid", false), ("scope=openid&prompt=none", true)])
    func noSession(query: String, silent: Bool) throws {
        let step = OpenIDConnectRules.step(for: try request(query), session: nil, hint: .none, signedInNow: false, now: now)
        #expect(step == (silent ? .reject(.loginRequired) : .signIn))
    }

    @Test("an id_token_hint about someone else, or not ours, is not this session's user (§3.1.2.1)",
          arguments: [OpenIDConnectRules.Hint.subject("bob"), .foreign])
    func hint(hint: OpenIDConnectRules.Hint) throws {
        let step = OpenIDConnectRules.step(
            for: try request("scope=openid"), session: session(signedInAgo: 5), hint: hint, signedInNow: false, now: now)
        #expect(step == .signIn)
        let matching = OpenIDConnectRules.step(
            for: try request("scope=openid"), session: session(signedInAgo: 5), hint: .subject(GrantFixtures.alice),
            signedInNow: false, now: now)
        #expect(matching == .checkConsent(session(signedInAgo: 5)))
    }

    @Test("after prior consent is known (prompt=none needs it all; prompt=consent asks anyway)",
          arguments: [
              ("scope=openid", true, "consent-skippable"), ("scope=openid", false, "consent"),
              ("scope=openid&prompt=consent", true, "consent"), ("scope=openid&prompt=none", true, "approve"),
              ("scope=openid&prompt=none", false, "consent_required"),
          ])
    func consent(query: String, approved: Bool, expected: String) throws {
        let user = session(signedInAgo: 5)
        let step = OpenIDConnectRules.interaction(for: try request(query), session: user, previouslyApproved: approved)
        switch step {
        case .consent(_, let skippable): #expect(expected == (skippable ? "consent-skippable" : "consent"))
        case .approve: #expect(expected == "approve")
        case .reject(let error): #expect(expected == error.code)
        default: Issue.record("unexpected step \(step)")
        }
    }

    @Test("ID token claims: audience and azp are the client, at_hash/c_hash when issued with it (Core §2, §3.3.2.11)")
    func claims() {
        let plan = IDTokenPlan(nonce: "n1", authTime: now - 30)
        let claims = OpenIDConnectRules.claims(
            plan, issuer: "https://auth.example.com", client: "app", subject: GrantFixtures.alice,
            accessToken: "gat_x", code: nil, lifetime: 3600.9, now: now)
        #expect(claims.audience == ["app"])
        #expect(claims.authorizedParty == "app")
        #expect(claims.nonce == "n1")
        #expect(claims.authTime == now - 30)
        #expect(claims.expiresAt == now + 3600)
        #expect(claims.accessTokenHash == JWT.halfHash("gat_x"))
        #expect(claims.codeHash == nil)
    }
}
