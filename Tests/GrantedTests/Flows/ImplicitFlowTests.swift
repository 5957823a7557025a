import Foundation
import Testing
@testable import Granted

@Suite("Implicit grant, end to end (RFC 6749 §4.2)")
struct ImplicitFlowTests {
    static func tokenRequest(
        client: ClientID = CodeFlow.implicitApp, redirectURI: String = CodeFlow.implicitRedirect,
        scope: String? = nil, state: String? = CodeFlow.state, extra: [(String, String?)] = []
    ) -> [(String, String?)] {
        [
            ("response_type", "token"), ("client_id", client.rawValue), ("redirect_uri", redirectURI),
            ("scope", scope), ("state", state),
        ] + extra
    }

    @Test("the access token comes in the fragment with token_type, expires_in, scope and state (RFC 6749 §4.2.2)")
    func tokenInFragment() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(Self.tokenRequest(scope: "public profile"))
        #expect(redirect.response.status == 303)
        #expect(redirect.mode == .fragment)
        #expect(redirect.target == CodeFlow.implicitRedirect)
        let location = try #require(redirect.response.headers["Location"])
        #expect(location.hasPrefix(CodeFlow.implicitRedirect + "#"))
        #expect(!location.contains("?"), "nothing of the response may reach the query")

        let token = try #require(redirect["access_token"])
        #expect(token.hasPrefix("gat_"))
        #expect(redirect["token_type"] == "Bearer")
        #expect(redirect["expires_in"] == String(14 * 24 * 3600))
        #expect(redirect["scope"] == "profile public")
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["iss"] == TestServer.issuer)
        #expect(redirect["code"] == nil)

        let grant = try #require(await flow.check(token, requiring: [.profile]).grant)
        #expect(grant.subject == CodeFlow.alice)
        #expect(grant.client == CodeFlow.implicitApp)
        #expect(grant.scopes == [.public, .profile])
    }

    @Test(
        "the implicit grant never issues a refresh token (RFC 6749 §4.2.2)",
        arguments: [ResponseMode.fragment, .formPost], [nil, "public", "public profile email"])
    func neverRefreshToken(mode: ResponseMode, scope: String?) async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(
            Self.tokenRequest(scope: scope, extra: [("response_mode", mode.rawValue)]))
        #expect(redirect["access_token"] != nil)
        #expect(redirect["refresh_token"] == nil)
        #expect(!redirect.names.contains("refresh_token"))
    }

    @Test("a narrowed implicit approval names the granted scope (RFC 6749 §4.2.2, §3.3)")
    func narrowedScope() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(Self.tokenRequest(scope: "public profile email"), scopes: [.email])
        #expect(redirect["scope"] == "email")
        let token = try #require(redirect["access_token"])
        #expect(await flow.check(token).grant?.scopes == [.email])
    }

    @Test("a client not allowed the implicit grant gets unauthorized_client at its redirect URI (RFC 6749 §4.2.2.1)")
    func clientNotAllowedImplicit() async throws {
        let flow = CodeFlow()
        let validation = await flow.validate(
            Self.tokenRequest(client: CodeFlow.webApp.clientID, redirectURI: CodeFlow.webAppRedirect))
        let (error, response) = try #require(validation.redirected, "\(validation)")
        #expect(error.code == "unauthorized_client")
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect.response.status == 303)
        #expect(redirect.mode == .fragment)
        #expect(redirect.target == CodeFlow.webAppRedirect)
        #expect(redirect.error == "unauthorized_client")
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["iss"] == TestServer.issuer)
        #expect(redirect["access_token"] == nil)
    }

    @Test("a client allowed only the implicit grant cannot ask for a code: unauthorized_client (RFC 6749 §4.1.2.1)")
    func implicitClientAsksForCode() async throws {
        let flow = CodeFlow()
        let vector = try PKCEVector.rfc7636()
        let validation = await flow.validate(
            CodeFlow.codeRequest(
                client: CodeFlow.implicitApp, redirectURI: CodeFlow.implicitRedirect, challenge: vector.challenge))
        let (error, response) = try #require(validation.redirected)
        #expect(error.code == "unauthorized_client")
        #expect(try CodeFlow.Redirect(response).mode == .query)
    }

    @Test("an implicit token hangs from the user's authorization: revoking it ends the token")
    func revokedWithAuthorization() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve(Self.tokenRequest())
        let token = try #require(redirect["access_token"])
        #expect(await flow.verifies(token))
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.implicitApp))
        #expect(await !flow.verifies(token))
    }

    @Test("a denied implicit request answers access_denied in the fragment (RFC 6749 §4.2.2.1)")
    func denied() async throws {
        let flow = CodeFlow()
        let request = try await flow.authorizationRequest(Self.tokenRequest())
        let redirect = try CodeFlow.Redirect(flow.server.deny(request))
        #expect(redirect.mode == .fragment)
        #expect(redirect.error == "access_denied")
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["access_token"] == nil)
    }
}
