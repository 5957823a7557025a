import Foundation
import Testing
@testable import Granted

@Suite("Authorization endpoint response types, called directly (RFC 6749 §4.1.1, §4.2.1; OIDC Core §3)")
struct AuthorizationResponseGrantTests {
    func request(
        _ query: String, client: Client = GrantFixtures.confidential, mode: ResponseMode = .query,
        canSign: Bool = true
    ) throws(OAuthError) -> AuthorizationRequest {
        let parameters = try FormParameters(query: query)
        return try AuthorizationResponseGrant.request(
            parameters, client: client, redirectURI: "https://app.example/cb", redirectURIWasGiven: true,
            rawType: try parameters.single("response_type"), state: try parameters.single("state"), mode: mode,
            policy: Policy(), canSignIDTokens: canSign)
    }

    @Test("what each response type issues (§4.1.2, §4.2.2; Core §3.2.2.5, §3.3.2.5)",
          arguments: [
              ("code", true, false, false), ("token", false, true, false), ("id_token", false, false, true),
              ("code id_token", true, false, true), ("code token", true, true, false),
              ("id_token token", false, true, true), ("code id_token token", true, true, true),
          ])
    func issues(type: String, code: Bool, accessToken: Bool, idToken: Bool) throws {
        let mode: ResponseMode = type == "code" ? .query : .fragment
        let parsed = try request(
            "response_type=\(type.replacingOccurrences(of: " ", with: "+"))&scope=openid&nonce=n1", mode: mode)
        let plan = try #require(try AuthorizationResponseGrant.plan(for: parsed, approved: nil, authTime: GrantFixtures.now, policy: Policy()))
        #expect(plan.issuesCode == code)
        #expect(plan.issuesAccessToken == accessToken)
        #expect((plan.idToken != nil) == idToken)
        #expect(plan.idToken?.releasesClaims ?? false == (type == "id_token"))
        #expect(plan.reportsScope == accessToken)
    }

    @Test("approving fewer scopes narrows the grant and reports it (§3.3); approving none issues nothing")
    func narrowed() throws {
        let parsed = try request("response_type=code&scope=public+profile")
        let plan = try #require(try AuthorizationResponseGrant.plan(for: parsed, approved: [.public], authTime: GrantFixtures.now, policy: Policy()))
        #expect(plan.scopes == [.public])
        #expect(plan.reportsScope)
        #expect(try AuthorizationResponseGrant.plan(for: parsed, approved: [.email], authTime: GrantFixtures.now, policy: Policy()) == nil)
    }

    @Test("openid is kept whatever the user unticks (Core §3.1.2.1)")
    func openIDKept() throws {
        let parsed = try request("response_type=code&scope=openid+profile")
        let plan = try #require(try AuthorizationResponseGrant.plan(for: parsed, approved: [.profile], authTime: GrantFixtures.now, policy: Policy()))
        #expect(plan.scopes.contains(.openid))
    }

    @Test("requests that must be refused, with the error the client gets",
          arguments: [
              ("scope=public", OAuthError.invalidRequest("response_type is required")),
              ("response_type=code+bogus", .unsupportedResponseType),
              ("response_type=id_token&scope=public&nonce=n", .invalidRequest("response_type id_token requires the openid scope")),
              ("response_type=id_token&scope=openid", .invalidRequest("nonce is required for this response_type")),
              ("response_type=code&request=eyJ", .requestNotSupported),
              ("response_type=code&prompt=none+login", .invalidRequest("prompt=none cannot be combined with other values")),
              ("response_type=code&max_age=-1", .invalidRequest("max_age must be a non-negative integer")),
          ])
    func refused(query: String, error: OAuthError) {
        let mode: ResponseMode = query.contains("id_token") ? .fragment : .query
        #expect(throws: error) { try request(query, mode: mode) }
    }

    @Test("a public client must send a PKCE challenge (RFC 7636 §4.4.1; RFC 9700 §2.1.1)")
    func publicClientNeedsPKCE() {
        #expect(throws: OAuthError.invalidRequest("code_challenge is required")) {
            try request("response_type=code", client: GrantFixtures.publicClient)
        }
    }

    @Test("id_token response types need a signer (Core §3.2, §3.3)")
    func needsSigner() {
        #expect(throws: OAuthError.unsupportedResponseType) {
            try request("response_type=code+id_token&scope=openid&nonce=n", mode: .fragment, canSign: false)
        }
    }
}
