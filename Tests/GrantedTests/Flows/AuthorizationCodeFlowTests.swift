import Foundation
import Testing
@testable import Granted
import GrantedTesting

@Suite("Authorization code flow, end to end (RFC 6749 §4.1; RFC 7636; RFC 9207)")
struct AuthorizationCodeFlowTests {
    @Test(
        "a confidential client redeems its code with HTTP Basic and calls the API as the user (RFC 6749 §4.1, §2.3.1)")
    func confidentialClient() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(scope: "public profile"))
        #expect(redirect.response.status == 303)
        #expect(redirect.target == CodeFlow.webAppRedirect)
        let code = try #require(redirect["code"])
        #expect(code.hasPrefix("gac_"))

        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        #expect(tokens.accessToken.hasPrefix("gat_"))
        #expect(tokens.tokenType == "Bearer")
        #expect(tokens.expiresIn == 14 * 24 * 3600)
        #expect(tokens.scope == "profile public")
        #expect(tokens.refreshToken?.hasPrefix("grt_") == true)

        let grant = try #require(await flow.check(tokens.accessToken, requiring: [.profile]).grant)
        #expect(grant.subject == CodeFlow.alice)
        #expect(grant.client == CodeFlow.webApp.clientID)
        #expect(grant.scopes == [.public, .profile])
        #expect(grant.credential == .accessToken(client: CodeFlow.webApp.clientID, scopes: [.public, .profile], expiresAt: grant.expiresAt))
    }

    @Test("a public client proves possession with the RFC 7636 Appendix B verifier (RFC 7636 §4.1–§4.6)")
    func publicClientWithPKCE() async throws {
        let vector = try PKCEVector.rfc7636()
        #expect(vector.verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(vector.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(vector.method == "S256")
        let flow = CodeFlow()
        let request = try await flow.authorizationRequest(try CodeFlow.nativeCodeRequest())
        #expect(request.challenge == PKCEChallenge(challenge: vector.challenge, method: .s256))

        let code = try await flow.code(try CodeFlow.nativeCodeRequest())
        let response = await flow.exchange(
            code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect, verifier: vector.verifier)
        let tokens = try CodeFlow.Tokens(response)
        #expect(tokens.refreshToken != nil)
        let grant = try #require(await flow.check(tokens.accessToken).grant)
        #expect(grant.subject == CodeFlow.alice)
        #expect(grant.client == CodeFlow.nativeApp)
    }

    @Test(
        "the Appendix B verifier hashes to the Appendix B challenge, and only it verifies (RFC 7636 §4.2, §4.6, App. B)")
    func appendixBVector() throws {
        let vector = try PKCEVector.rfc7636()
        #expect(Base64URL.encode(vector.verifierOctets) == vector.verifier)
        #expect(SHA256.hash(vector.verifier).bytes == vector.digestOctets)
        #expect(Base64URL.encode(vector.digestOctets) == vector.challenge)
        let challenge = PKCEChallenge(challenge: vector.challenge, method: .s256)
        #expect(PKCE.verify(vector.verifier, against: challenge))
        #expect(!PKCE.verify(vector.challenge, against: challenge))
        #expect(!PKCE.verify(String(vector.verifier.dropLast()) + "l", against: challenge))
    }

    @Test("a confidential client may use PKCE too (RFC 9700 §2.1.1)")
    func confidentialClientWithPKCE() async throws {
        let vector = try PKCEVector.rfc7636()
        let flow = CodeFlow()
        let code = try await flow.code(CodeFlow.codeRequest(challenge: vector.challenge))
        #expect(await flow.exchange(code, verifier: vector.verifier).status == 200)
    }

    @Test("the redirect names the issuer and echoes state exactly (RFC 9207 §2; RFC 6749 §4.1.2)",
        arguments: ["af0ifjsldkj", "a b&c=d/é?#", String(repeating: "s", count: 500)])
    func issuerAndState(state: String) async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(state: state))
        #expect(redirect["iss"] == TestServer.issuer)
        #expect(redirect["state"] == state)
    }

    @Test("without state in the request there is none in the redirect (RFC 6749 §4.1.2)")
    func noState() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(state: nil))
        #expect(redirect["state"] == nil)
        #expect(redirect["code"] != nil)
        #expect(redirect["iss"] == TestServer.issuer)
    }

    @Test("approvals and denials redirect with 303 and are not cached (RFC 9700 §4.12)")
    func seeOther() async throws {
        let flow = CodeFlow()
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest())
        let approved = await flow.server.approve(request, subject: CodeFlow.alice, authTime: flow.clock.now)
        let denied = flow.server.deny(request)
        for response in [approved, denied] {
            #expect(response.status == 303)
            #expect(response.headers["Cache-Control"] == "no-store")
        }
    }

    @Test("a narrowed approval names the granted scope in the redirect and the token response (RFC 6749 §3.3, §5.1)")
    func narrowedScope() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(scope: "public profile email"), scopes: [.public, .email])
        #expect(redirect["scope"] == "email public")
        let tokens = try CodeFlow.Tokens(await flow.exchange(try #require(redirect["code"])))
        #expect(tokens.scope == "email public")
        #expect(await flow.check(tokens.accessToken, requiring: [.profile]).grant == nil)
        #expect(await flow.check(tokens.accessToken, requiring: [.email]).grant != nil)
    }

    @Test("an approval of everything asked leaves scope out of the redirect (RFC 6749 §4.1.2, §3.3)")
    func fullApprovalOmitsScope() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(scope: "public profile"), scopes: [.public, .profile])
        #expect(redirect["scope"] == nil)
        #expect(redirect["code"] != nil)
    }

    @Test("an approval outside what was asked counts only what was asked (RFC 6749 §3.3)")
    func approvalBeyondRequestIsIgnored() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(scope: "public"), scopes: [.public, .email])
        let tokens = try CodeFlow.Tokens(await flow.exchange(try #require(redirect["code"])))
        #expect(tokens.scope == "public")
    }

    @Test("no scope asked: the default scope is granted (RFC 6749 §3.3)")
    func defaultScope() async throws {
        let tokens = try await CodeFlow().signIn()
        #expect(tokens.scope == "public")
    }

    @Test(
        "the code arrives in the requested response mode (Multiple Response Types §2.1; Form Post Response Mode §2)",
        arguments: [ResponseMode.query, .fragment, .formPost])
    func responseModes(mode: ResponseMode) async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(extra: [("response_mode", mode.rawValue)]))
        switch mode {
        case .query: #expect(redirect.mode == .query)
        case .fragment: #expect(redirect.mode == .fragment)
        case .formPost: #expect(redirect.mode == .formPost)
        }
        #expect(redirect.target == CodeFlow.webAppRedirect)
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["iss"] == TestServer.issuer)
        let code = try #require(redirect["code"])
        #expect(await flow.exchange(code).status == 200)
    }

    @Test("form_post answers an auto-submitting HTML form of hidden inputs (Form Post Response Mode §2)")
    func formPostDocument() async throws {
        let flow = CodeFlow()
        let state = #"<"quoted" & 'odd'>"#
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(state: state, extra: [("response_mode", "form_post")]))
        let response = redirect.response
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Location"] == nil)
        let html = response.bodyText
        #expect(html.contains("<script>document.forms[0].submit()</script>"))
        #expect(html.contains(#"<form method="post" action="https://app.example.com/callback">"#))
        #expect(!html.contains(state), "state must be escaped in HTML")
        #expect(Set(redirect.names) == ["code", "state", "iss"])
        #expect(redirect["state"] == state)
    }

    @Test("a redirect URI's own query is kept and the response appended to it (RFC 6749 §3.1.2)")
    func redirectURIWithQuery() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(client: CodeFlow.tenantApp.clientID, redirectURI: CodeFlow.tenantRedirect))
        let location = try #require(redirect.response.headers["Location"])
        #expect(location.hasPrefix(CodeFlow.tenantRedirect + "&"))
        #expect(redirect["tenant"] == "7")
        let code = try #require(redirect["code"])
        let response = await flow.exchange(code, as: .basic(CodeFlow.tenantApp), redirectURI: CodeFlow.tenantRedirect)
        #expect(response.status == 200)
    }

    @Test("redirect_uri omitted with one registered: the token request may omit it too (RFC 6749 §4.1.3)")
    func omittedRedirectURI() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(CodeFlow.codeRequest(redirectURI: nil))
        #expect(redirect.target == CodeFlow.webAppRedirect)
        let code = try #require(redirect["code"])
        #expect(await flow.exchange(code, redirectURI: nil).status == 200)
    }

    @Test("client_secret_post authenticates the exchange as well as Basic (RFC 6749 §2.3.1)")
    func clientSecretPost() async throws {
        let flow = CodeFlow()
        let code = try await flow.code()
        #expect(await flow.exchange(code, as: .body(CodeFlow.webApp)).status == 200)
    }

    @Test("a client without the refresh_token grant gets no refresh token (RFC 6749 §4.1.4, §6)")
    func noRefreshTokenWithoutGrant() async throws {
        let flow = CodeFlow()
        let code = try await flow.code(
            CodeFlow.codeRequest(client: CodeFlow.codeOnlyApp.clientID, redirectURI: CodeFlow.codeOnlyRedirect))
        let tokens = try CodeFlow.Tokens(
            await flow.exchange(code, as: .basic(CodeFlow.codeOnlyApp), redirectURI: CodeFlow.codeOnlyRedirect))
        #expect(tokens.refreshToken == nil)
        #expect(!tokens.members.contains("refresh_token"))
    }

    @Test("policy.issuesRefreshTokens = false: no refresh token (RFC 6749 §4.1.4)")
    func noRefreshTokenByPolicy() async throws {
        var policy = Policy()
        policy.issuesRefreshTokens = false
        let tokens = try await CodeFlow(policy: policy).signIn()
        #expect(tokens.refreshToken == nil)
    }

    @Test("the token response is not cached (RFC 6749 §5.1)")
    func tokenResponseNotCached() async throws {
        let flow = CodeFlow()
        let response = await flow.exchange(try await flow.code())
        #expect(response.status == 200)
        #expect(response.isNotCacheable)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test(
        "an access token works until expires_in has passed, not a second longer (RFC 6749 §5.1)",
        arguments: [(0, true), (14 * 24 * 3600 - 1, true), (14 * 24 * 3600, false), (15 * 24 * 3600, false)])
    func accessTokenExpiry(after seconds: Int, works: Bool) async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn()
        flow.clock.advance(by: TimeInterval(seconds))
        let decision = await flow.check(tokens.accessToken)
        #expect((decision.grant != nil) == works)
        if !works {
            #expect(decision.response?.status == 401)
            #expect(decision.response?.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("policy.accessTokenLifetime sets expires_in (RFC 6749 §5.1)", arguments: [60.0, 3600])
    func accessTokenLifetime(seconds: TimeInterval) async throws {
        var policy = Policy()
        policy.accessTokenLifetime = seconds
        let tokens = try await CodeFlow(policy: policy).signIn()
        #expect(tokens.expiresIn == Int(seconds))
    }

    @Test("each code and token is a fresh 256-bit secret with its kind's prefix (RFC 6749 §10.10)")
    func freshSecrets() async throws {
        let flow = CodeFlow()
        var seen = Set<String>()
        for _ in 0..<5 {
            let code = try await flow.code()
            let tokens = try CodeFlow.Tokens(await flow.exchange(code))
            let refresh = try #require(tokens.refreshToken)
            for (value, prefix) in [(code, "gac_"), (tokens.accessToken, "gat_"), (refresh, "grt_")] {
                #expect(value.hasPrefix(prefix))
                #expect(value.utf8.count == prefix.utf8.count + 43)
                #expect(seen.insert(value).inserted)
            }
        }
    }
}
