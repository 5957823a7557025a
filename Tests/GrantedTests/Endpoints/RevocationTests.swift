import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// The revocation endpoint (RFC 7009), driven through raw requests with tokens from real flows.
@Suite("Revocation endpoint (RFC 7009)")
struct RevocationTests {
    let flow = RevocationFlow()

    /// Whether `token` still works: an access token at the resource guard, a refresh token at introspection.
    func works(_ token: String, _ kind: PresentedToken) async throws -> Bool {
        kind == .refreshToken ? try await flow.isActive(token) : await flow.verifies(token)
    }

    // MARK: §2.1 Client authentication

    @Test(
        "RFC 7009 §2.1: the server first validates the client credentials; failed authentication is invalid_client and revokes nothing",
        arguments: BadClientAuthentication.allCases)
    func clientAuthenticationFirst(_ failure: BadClientAuthentication) async throws {
        let token = try await flow.appToken()
        let response = await flow.server.revoke(failure.request("/revoke", [("token", token)]))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        #expect(await flow.verifies(token))
    }

    @Test(
        "RFC 7009 §2.2.1, RFC 6749 §5.2, RFC 9110 §15.5.2: a failed client authentication gets 401 with a Basic challenge",
        arguments: BadClientAuthentication.allCases)
    func basicChallenge(_ failure: BadClientAuthentication) async throws {
        let response = await flow.server.revoke(failure.request("/revoke", [("token", "gat_whatever")]))
        let challenge = response.headers["WWW-Authenticate"]
        #expect(challenge?.lowercased().hasPrefix("basic ") == true, "got \(challenge ?? "none")")
    }

    @Test("RFC 7009 §2.1: credentials are validated before the request, so a bad client without a token is invalid_client")
    func credentialsBeforeParameters() async {
        let response = await flow.server.revoke(BadClientAuthentication.wrongSecretBasic.request("/revoke", []))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
    }

    @Test(
        "RFC 7009 §2.1: each client authentication method the server advertises revokes the client's token",
        arguments: ["client_secret_basic", "client_secret_post", "none"])
    func advertisedMethods(_ method: String) async throws {
        let advertised = try flow.server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()["revocation_endpoint_auth_methods_supported"] as? [String]
        #expect(advertised?.contains(method) == true)
        let (app, caller): (RevocationFlow.App, CodeFlow.Caller) =
            switch method {
            case "client_secret_basic": (.web, .basic(CodeFlow.webApp))
            case "client_secret_post": (.web, .body(CodeFlow.webApp))
            default: (.native, CodeFlow.native)
            }
        let tokens = try await flow.signIn(app)
        let response = await flow.revoke(try #require(tokens.refreshToken), as: caller)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(await !flow.verifies(tokens.accessToken))
    }

    // MARK: §2.1 The request

    @Test("RFC 7009 §2.1: token is REQUIRED; without it the request is invalid_request", arguments: ["", "token=", "token_type_hint=access_token"])
    func tokenRequired(_ body: String) async {
        let response = await flow.server.revoke(
            OAuthRequest.form("/revoke", body, headers: ["Authorization": TestServer.service.headerValue]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("RFC 7009 §2.1, RFC 6749 §3.2: a repeated token parameter is invalid_request and revokes nothing")
    func repeatedToken() async throws {
        let token = try await flow.appToken()
        let response = await flow.server.revoke(
            OAuthRequest.form(
                "/revoke", "token=\(token)&token=\(token)", headers: ["Authorization": TestServer.service.headerValue]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
        #expect(await flow.verifies(token))
    }

    @Test("RFC 7009 §2.1: the parameters come form-encoded; another body is invalid_request")
    func formEncodedOnly() async throws {
        let token = try await flow.appToken()
        let request = OAuthRequest(
            method: .post, path: "/revoke",
            headers: ["Authorization": TestServer.service.headerValue, "Content-Type": "application/json"],
            body: Array(#"{"token":"\#(token)"}"#.utf8))
        let response = await flow.server.revoke(request)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
        #expect(await flow.verifies(token))
    }

    @Test(
        "RFC 7009 §2.1: if the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types",
        arguments: PresentedToken.allCases)
    func wrongHint(_ kind: PresentedToken) async throws {
        let (token, owner) = try await kind.issue(flow)
        let response = await flow.revoke(token, hint: kind.wrongHint, as: owner)
        #expect(response.status == 200)
        #expect(try await !works(token, kind))
    }

    @Test("RFC 7009 §2.1: the right hint revokes the token too", arguments: PresentedToken.allCases)
    func rightHint(_ kind: PresentedToken) async throws {
        let (token, owner) = try await kind.issue(flow)
        #expect(await flow.revoke(token, hint: kind.rightHint, as: owner).status == 200)
        #expect(try await !works(token, kind))
    }

    @Test(
        "RFC 7009 §2.2: an invalid token type hint value is ignored and does not influence the revocation response",
        arguments: PresentedToken.allCases, ["id_token", "ACCESS_TOKEN", "bogus"])
    func invalidHint(_ kind: PresentedToken, hint: String) async throws {
        let (token, owner) = try await kind.issue(flow)
        let response = await flow.revoke(token, hint: hint, as: owner)
        #expect(response.status == 200)
        #expect(try await !works(token, kind))
    }

    // MARK: §2.1 Whose token

    @Test(
        "RFC 7009 §2.1: the server verifies whether the token was issued to the client making the request; another client's token is refused and left working",
        arguments: PresentedToken.allCases)
    func anotherClientsToken(_ kind: PresentedToken) async throws {
        let (token, _) = try await kind.issue(flow)
        for intruder in [CodeFlow.other, .resourceServer, CodeFlow.native, kind == .appAccessToken ? CodeFlow.web : .service] {
            let response = await flow.revoke(token, as: intruder)
            // §2.1: "the request is refused and the client is informed of the error".
            #expect(response.status == 400, "\(intruder)")
            #expect(response.errorCode == "unauthorized_client", "\(intruder)")
            #expect(try await works(token, kind), "\(intruder) revoked another client's \(kind)")
        }
    }

    @Test("RFC 7009 §2.1: another client's refresh token still refreshes for its owner")
    func anotherClientsRefreshTokenStillRefreshes() async throws {
        let tokens = try await flow.signIn()
        let refresh = try #require(tokens.refreshToken)
        #expect(await flow.revoke(refresh, hint: "refresh_token", as: CodeFlow.other).errorCode == "unauthorized_client")
        #expect(await flow.verifies(tokens.accessToken))
        #expect(await flow.refresh(refresh).status == 200)
    }

    // MARK: §2.1 Invalidation

    @Test("RFC 7009 §2.1: the invalidation takes place immediately; the resource guard refuses a revoked access token",
          arguments: [PresentedToken.appAccessToken, .userAccessToken])
    func accessTokenRefusedAtOnce(_ kind: PresentedToken) async throws {
        let (token, owner) = try await kind.issue(flow)
        #expect(await flow.verifies(token))
        #expect(await flow.revoke(token, as: owner).status == 200)
        let decision = await flow.server.resourceGuard().check(
            TestServer.resourceRequest(["Authorization": "Bearer \(token)"]), requiring: [])
        let response = try #require(decision.response)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        #expect(try await !flow.isActive(token))
    }

    @Test("RFC 7009 §2.1: revoking one access token leaves the client's other tokens alone")
    func onlyThatAccessToken() async throws {
        let first = try await flow.appToken()
        let second = try await flow.appToken()
        #expect(await flow.revoke(first, as: .service).status == 200)
        #expect(await !flow.verifies(first))
        #expect(await flow.verifies(second))
    }

    @Test("RFC 7009 §2: implementations MUST support the revocation of refresh tokens; a revoked one no longer refreshes",
          arguments: [RevocationFlow.App.web, .native])
    func refreshTokenRevoked(_ app: RevocationFlow.App) async throws {
        let refresh = try #require(try await flow.signIn(app).refreshToken)
        #expect(await flow.revoke(refresh, as: app.caller).status == 200)
        let response = await flow.refresh(refresh, as: app)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_grant")
        #expect(try await !flow.isActive(refresh))
    }

    @Test("RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate all access tokens based on the same authorization grant")
    func refreshRevocationEndsAccessTokens() async throws {
        let first = try await flow.signIn(scope: "public profile")
        let refreshed = try CodeFlow.Tokens(await flow.refresh(try #require(first.refreshToken)))
        let refresh = try #require(refreshed.refreshToken)
        // Another user's grant to the same client is another authorization grant.
        let bobs = try await flow.signIn(subject: CodeFlow.bob)
        #expect(await flow.verifies(first.accessToken))
        #expect(await flow.verifies(refreshed.accessToken))

        #expect(await flow.revoke(refresh, hint: "refresh_token", as: CodeFlow.web).status == 200)

        #expect(await !flow.verifies(first.accessToken))
        #expect(await !flow.verifies(refreshed.accessToken))
        #expect(try await !flow.isActive(first.accessToken))
        #expect(try await !flow.isActive(refreshed.accessToken))
        #expect(await flow.refresh(refresh).errorCode == "invalid_grant")
        #expect(await flow.verifies(bobs.accessToken))
        #expect(await flow.refresh(try #require(bobs.refreshToken)).status == 200)
    }

    // MARK: §2.2 The response

    @Test("RFC 7009 §2.2: the server responds with 200 if the client submitted an invalid token", arguments: [
        "gat_" + String(repeating: "A", count: 43), "grt_unknown", "not a token at all", "%00", String(repeating: "x", count: 4000),
    ])
    func unknownToken(_ token: String) async {
        let response = await flow.revoke(token, as: .service)
        #expect(response.status == 200)
        #expect(response.errorCode == nil)
    }

    @Test("RFC 7009 §2.2: revoking an already revoked token answers 200 again", arguments: PresentedToken.allCases)
    func alreadyRevoked(_ kind: PresentedToken) async throws {
        let (token, owner) = try await kind.issue(flow)
        #expect(await flow.revoke(token, as: owner).status == 200)
        flow.clock.advance(by: 60)
        #expect(await flow.revoke(token, as: owner).status == 200)
        #expect(await flow.revoke(token, hint: kind.wrongHint, as: owner).status == 200)
        #expect(try await !works(token, kind))
    }

    @Test("RFC 7009 §2.2: a revoked token stays revoked whatever time passes")
    func staysRevoked() async throws {
        let tokens = try await flow.signIn()
        #expect(await flow.revoke(try #require(tokens.refreshToken), as: CodeFlow.web).status == 200)
        flow.clock.advance(by: 365 * 24 * 3600)
        #expect(await !flow.verifies(tokens.accessToken))
        #expect(await flow.refresh(try #require(tokens.refreshToken)).errorCode == "invalid_grant")
    }

    @Test("RFC 7009 §2.2.1: a user's API key is not a token type a client may revoke: unsupported_token_type, and the key keeps working",
          arguments: [nil, "access_token", "refresh_token"])
    func apiKeyUnsupported(_ hint: String?) async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        let response = await flow.revoke(key, hint: hint, as: CodeFlow.web)
        #expect(response.status == 400)
        #expect(response.errorCode == "unsupported_token_type")
        let introspection = try await flow.introspection(of: key)
        #expect(introspection["active"] as? Bool == true)
        let decision = await flow.server.resourceGuard(apiKeyHeader: TestServer.apiKeyHeader).check(
            TestServer.resourceRequest([TestServer.apiKeyHeader: key]), requiring: [])
        #expect(decision.grant != nil)
    }

    /// A request the revocation endpoint must refuse, and the error it names.
    enum Refused: String, CaseIterable, Sendable {
        case badClient, noToken, repeatedToken, apiKey, notAForm

        func request(_ flow: RevocationFlow) async throws -> OAuthRequest {
            let basic: HeaderFields = ["Authorization": TestServer.service.headerValue]
            switch self {
            case .badClient: return BadClientAuthentication.wrongSecretBasic.request("/revoke", [("token", "x")])
            case .noToken: return OAuthRequest.form("/revoke", "token_type_hint=access_token", headers: basic)
            case .repeatedToken: return OAuthRequest.form("/revoke", "token=a&token=b", headers: basic)
            case .apiKey:
                let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
                return RevocationFlow.request("/revoke", [("token", key)], as: .service)
            case .notAForm:
                return OAuthRequest(method: .post, path: "/revoke", headers: basic, body: Array("token=a".utf8))
            }
        }
    }

    @Test(
        "RFC 7009 §2.2.1: the error presentation conforms to RFC 6749 §5.2 (JSON, a registered code, no-store)",
        arguments: Refused.allCases)
    func errorPresentation(_ refused: Refused) async throws {
        let response = await flow.server.revoke(try await refused.request(flow))
        #expect([400, 401].contains(response.status))
        #expect(response.isOAuthError(among: tokenEndpointErrorCodes.union(["unsupported_token_type"])), "\(response.bodyText)")
    }

    @Test("RFC 7009 §2.2: the 200 response is not cached (Cache-Control: no-store)", arguments: [true, false])
    func noStore(known: Bool) async throws {
        let token = known ? try await flow.appToken() : "gat_unknown"
        let response = await flow.revoke(token, as: .service)
        #expect(response.status == 200)
        #expect(response.isNotCacheable)
    }

    @Test("RFC 7009 §2: revocation is an HTTP POST; other methods get 405 with Allow: POST", arguments: [OAuthRequest.Method.get, .put, .delete, .head])
    func postOnly(_ method: OAuthRequest.Method) async throws {
        let token = try await flow.appToken()
        let response = await flow.server.revoke(
            OAuthRequest(
                method: method, path: "/revoke", query: "token=\(token)",
                headers: ["Authorization": TestServer.service.headerValue]))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
        #expect(response.isNotCacheable)
        #expect(await flow.verifies(token))
    }

    @Test("RFC 7009 §2: handle(_:) routes POST /revoke to the revocation endpoint")
    func routed() async throws {
        let token = try await flow.appToken()
        let response = await flow.server.handle(RevocationFlow.request("/revoke", [("token", token)], as: .service))
        #expect(response?.status == 200)
        #expect(await !flow.verifies(token))
    }

    // MARK: Metadata

    @Test("RFC 8414 §2: the metadata names the revocation endpoint and its client authentication methods")
    func metadata() throws {
        let json = try flow.server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect(json["revocation_endpoint"] as? String == TestServer.issuer + "/revoke")
        let methods = try #require(json["revocation_endpoint_auth_methods_supported"] as? [String])
        #expect(Set(methods) == ["client_secret_basic", "client_secret_post", "none", "client_secret_jwt"])
    }
}
