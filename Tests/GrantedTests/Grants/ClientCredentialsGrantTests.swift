import Foundation
import Testing
@testable import Granted

@Suite("Client credentials grant, called directly (RFC 6749 §4.4)")
struct ClientCredentialsGrantTests {
    @Test("an app-only token: no subject, no family, no refresh token, no ID token (§4.4.2, §4.4.3)",
          arguments: [nil, "public"] as [String?])
    func appOnly(scope: String?) throws {
        let plan = try ClientCredentialsGrant.plan(client: GrantFixtures.confidential, scope: scope, policy: Policy())
        #expect(plan.client == GrantFixtures.confidential.id)
        #expect(plan.subject == nil)
        #expect(plan.authorization == nil)
        #expect(plan.family == .none)
        #expect(plan.idToken == nil)
        #expect(plan.scopes == [.public])
    }

    @Test("a public client may not use it (§4.4: confidential clients only)")
    func publicClientRefused() {
        var client = GrantFixtures.publicClient
        client.grantTypes = [.clientCredentials]
        #expect(throws: OAuthError.unauthorizedClient("only confidential clients may use client credentials")) {
            try ClientCredentialsGrant.plan(client: client, scope: nil, policy: Policy())
        }
    }

    @Test("unknown or disallowed scopes are invalid_scope (§3.3)", arguments: ["nonsense", "profile"])
    func scopes(requested: String) {
        var client = GrantFixtures.confidential
        client.allowedScopes = [.public]
        #expect {
            try ClientCredentialsGrant.plan(client: client, scope: requested, policy: Policy())
        } throws: { error in
            if case .invalidScope = error as? OAuthError { true } else { false }
        }
    }
}
