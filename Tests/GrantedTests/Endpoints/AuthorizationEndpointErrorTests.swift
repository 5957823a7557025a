import Foundation
import Testing
@testable import Granted

/// Every error of the authorization endpoint, one test each: those shown to the user (never
/// redirected) and those sent back to the client's redirect URI with `state` and `iss`.
@Suite("Authorization endpoint errors (RFC 6749 §4.1.2.1, §4.2.2.1; RFC 9700 §4.1.3)")
struct AuthorizationEndpointErrorTests {
    let flow = CodeFlow()

    /// Expects the error for the user, with no redirect anywhere in the response.
    func expectUserFacing(
        _ parameters: [(String, String?)], code: String = "invalid_request",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let validation = await flow.validate(parameters)
        guard case .userFacing(let error, let response) = validation else {
            Issue.record("expected a user-facing error, got \(validation)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(response.status == 400, sourceLocation: sourceLocation)
        #expect(response.headers["Location"] == nil, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/html") == true, sourceLocation: sourceLocation)
    }

    /// Expects `code` at the client's redirect URI with `state` and `iss`, in `mode`.
    @discardableResult
    func expectRedirected(
        _ parameters: [(String, String?)], code: String, mode: CodeFlow.Redirect.Mode = .query,
        to target: String = CodeFlow.webAppRedirect, state: String? = CodeFlow.state,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CodeFlow.Redirect? {
        let validation = await flow.validate(parameters)
        guard case .redirect(let response, let error) = validation else {
            Issue.record("expected a redirected \(code), got \(validation)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
        let redirect = try CodeFlow.Redirect(response)
        #expect(response.status == 303, sourceLocation: sourceLocation)
        #expect(redirect.mode == mode, sourceLocation: sourceLocation)
        #expect(redirect.target == target, sourceLocation: sourceLocation)
        #expect(redirect.error == code, sourceLocation: sourceLocation)
        #expect(redirect["state"] == state, sourceLocation: sourceLocation)
        #expect(redirect["iss"] == TestServer.issuer, sourceLocation: sourceLocation)
        #expect(redirect["code"] == nil && redirect["access_token"] == nil, sourceLocation: sourceLocation)
        return redirect
    }

    // MARK: Never redirected (§4.1.2.1, RFC 9700 §4.1.3)

    @Test("an unknown client_id is shown to the user, never redirected (RFC 6749 §4.1.2.1)")
    func unknownClient() async {
        await expectUserFacing(CodeFlow.codeRequest(client: "nobody"))
    }

    @Test("a missing client_id is shown to the user, never redirected (RFC 6749 §4.1.2.1)")
    func missingClient() async {
        await expectUserFacing([
            ("response_type", "code"), ("redirect_uri", CodeFlow.webAppRedirect), ("state", CodeFlow.state),
        ])
    }

    @Test(
        "a redirect_uri not registered by exact string is shown to the user (RFC 6749 §4.1.2.1; RFC 9700 §4.1.3)",
        arguments: [
            "https://evil.example.com/callback", "https://app.example.com/callback/",
            "https://app.example.com/callback?x=1", "https://APP.example.com/callback",
            "https://app.example.com/Callback", "https://app.example.com/callback#f",
            "https://app.example.com:443/callback", "http://app.example.com/callback", "https://app.example.com",
        ])
    func unregisteredRedirectURI(uri: String) async {
        await expectUserFacing(CodeFlow.codeRequest(redirectURI: uri))
    }

    @Test("a missing redirect_uri with several registered is shown to the user (RFC 6749 §3.1.2.3, §4.1.2.1)")
    func missingRedirectURIWithSeveral() async {
        await expectUserFacing(CodeFlow.codeRequest(client: CodeFlow.multiApp.clientID, redirectURI: nil))
    }

    @Test(
        "with several registered, each one named is accepted (RFC 6749 §3.1.2.3)",
        arguments: CodeFlow.multiAppRedirects)
    func severalRegisteredEachAccepted(uri: String) async throws {
        let request = try await flow.authorizationRequest(
            CodeFlow.codeRequest(client: CodeFlow.multiApp.clientID, redirectURI: uri))
        #expect(request.redirectURI == uri)
        #expect(request.redirectURIWasGiven)
    }

    @Test("an omitted redirect_uri with exactly one registered uses it (RFC 6749 §3.1.2.3)")
    func omittedRedirectURIWithOne() async throws {
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest(redirectURI: nil))
        #expect(request.redirectURI == CodeFlow.webAppRedirect)
        #expect(!request.redirectURIWasGiven)
    }

    @Test("a non-loopback http redirect URI is refused to the user (RFC 9700 §2.6; RFC 6749 §3.1.2.1)")
    func insecureRedirectURIRefused() async {
        await expectUserFacing(
            CodeFlow.codeRequest(client: CodeFlow.insecureApp.clientID, redirectURI: CodeFlow.insecureRedirect))
        await expectUserFacing(CodeFlow.codeRequest(client: CodeFlow.insecureApp.clientID, redirectURI: nil))
    }

    @Test("policy.allowsInsecureRedirectURIs lets a non-loopback http redirect URI through (RFC 9700 §2.6)")
    func insecureRedirectURIAllowedByPolicy() async throws {
        var policy = Policy()
        policy.allowsInsecureRedirectURIs = true
        let flow = CodeFlow(policy: policy)
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(client: CodeFlow.insecureApp.clientID, redirectURI: CodeFlow.insecureRedirect))
        #expect(redirect.target == CodeFlow.insecureRedirect)
        #expect(redirect["code"] != nil)
    }

    @Test(
        "a loopback http redirect URI is allowed (RFC 8252 §7.3; RFC 9700 §2.6)",
        arguments: CodeFlow.loopbackRedirects)
    func loopbackAllowed(uri: String) async throws {
        let vector = try PKCEVector.rfc7636()
        let redirect = try await flow.approve(
            CodeFlow.codeRequest(client: CodeFlow.loopbackApp, redirectURI: uri, challenge: vector.challenge))
        #expect(redirect.target == uri)
        #expect(redirect["code"] != nil)
    }

    @Test(
        "an http redirect URI whose host only looks like loopback is refused (RFC 8252 §7.3; RFC 9700 §2.6)",
        arguments: [
            "http://127.0.0.1@evil.example.com/callback", "http://127.example.com/callback",
            "http://127.0.0.1.nip.io/callback", "http://localhost.example.com/callback",
        ])
    func loopbackLookalikeRefused(uri: String) async {
        let client = Client(id: "lookalike-app", redirectURIs: [uri], grantTypes: [.authorizationCode])
        let flow = CodeFlow(extraClients: [client])
        let validation = await flow.validate(
            CodeFlow.codeRequest(
                client: client.id, redirectURI: uri, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(validation.userFacingError?.code == "invalid_request", "\(uri) accepted: \(validation)")
    }

    @Test(
        "any address of 127.0.0.0/8 is loopback (RFC 8252 §7.3; RFC 1122 §3.2.1.3)",
        arguments: ["http://127.0.0.1/callback", "http://127.1.2.3:9000/callback", "http://127.255.255.254/cb"])
    func loopbackRange(uri: String) async {
        let client = Client(id: "range-app", redirectURIs: [uri], grantTypes: [.authorizationCode])
        let flow = CodeFlow(extraClients: [client])
        let validation = await flow.validate(
            CodeFlow.codeRequest(
                client: client.id, redirectURI: uri, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(validation.request != nil, "\(validation)")
    }

    @Test(
        "a repeated client_id or redirect_uri is shown to the user (RFC 6749 §3.1, §4.1.2.1)",
        arguments: ["client_id", "redirect_uri"])
    func repeatedClientParameter(name: String) async {
        let value = name == "client_id" ? CodeFlow.webApp.clientID.rawValue : CodeFlow.webAppRedirect
        await expectUserFacing(CodeFlow.codeRequest(extra: [(name, value)]))
    }

    @Test("an unknown client is never redirected, however bad the rest of the request (RFC 6749 §4.1.2.1)")
    func unknownClientWithOtherErrors() async {
        await expectUserFacing([
            ("response_type", "bogus"), ("client_id", "nobody"), ("redirect_uri", CodeFlow.webAppRedirect),
            ("scope", "admin"), ("state", CodeFlow.state),
        ])
    }

    @Test("only GET and form POST reach the authorization endpoint (RFC 6749 §3.1; OpenID Connect Core §3.1.2.1)")
    func methods() async throws {
        let query = String(CodeFlow.target(CodeFlow.codeRequest()).dropFirst("/authorize?".count))
        let post = OAuthRequest.form("/authorize", query)
        #expect(await flow.server.validate(post).request != nil)
        let put = OAuthRequest(method: .put, target: CodeFlow.target(CodeFlow.codeRequest()))
        #expect(await flow.server.validate(put).userFacingError?.code == "invalid_request")
    }

    // MARK: Redirected to the client (§4.1.2.1)

    @Test("a missing response_type is invalid_request, redirected with state (RFC 6749 §4.1.1, §4.1.2.1)")
    func missingResponseType() async throws {
        let parameters = CodeFlow.codeRequest().filter { $0.0 != "response_type" }
        try await expectRedirected(parameters, code: "invalid_request")
    }

    @Test(
        "an unknown response_type is unsupported_response_type (RFC 6749 §4.1.2.1)",
        arguments: ["bogus", "code code", "code bogus", "Code", "code  token"])
    func unknownResponseType(type: String) async throws {
        let parameters = [("response_type", type)] + CodeFlow.codeRequest().filter { $0.0 != "response_type" }
        try await expectRedirected(parameters, code: "unsupported_response_type")
    }

    @Test(
        "an unknown, malformed or disallowed scope is invalid_scope (RFC 6749 §3.3, §4.1.2.1)",
        arguments: [
            (CodeFlow.webApp.clientID, CodeFlow.webAppRedirect, "admin"),
            (CodeFlow.webApp.clientID, CodeFlow.webAppRedirect, "public  profile"),
            (CodeFlow.webApp.clientID, CodeFlow.webAppRedirect, "public \"x\""),
            (CodeFlow.limitedApp.clientID, CodeFlow.limitedRedirect, "public email"),
        ])
    func invalidScope(client: ClientID, redirectURI: String, scope: String) async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(client: client, redirectURI: redirectURI, scope: scope), code: "invalid_scope",
            to: redirectURI)
    }

    @Test("a public client without code_challenge is invalid_request (RFC 7636 §4.4.1; RFC 9700 §2.1.1)")
    func pkceRequiredForPublicClient() async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(client: CodeFlow.nativeApp, redirectURI: CodeFlow.nativeAppRedirect),
            code: "invalid_request", to: CodeFlow.nativeAppRedirect)
    }

    @Test(
        "with requiresPKCEForConfidentialClients a confidential client needs a challenge too (RFC 9700 §2.1.1)")
    func pkceRequiredByPolicy() async throws {
        var policy = Policy()
        policy.requiresPKCEForConfidentialClients = true
        let flow = CodeFlow(policy: policy)
        let validation = await flow.validate(CodeFlow.codeRequest())
        #expect(validation.redirected?.error.code == "invalid_request")
        let vector = try PKCEVector.rfc7636()
        #expect(await flow.validate(CodeFlow.codeRequest(challenge: vector.challenge)).request != nil)
    }

    @Test(
        "code_challenge_method plain, or none (meaning plain), is refused by default (RFC 9700 §2.1.1; RFC 7636 §4.3)",
        arguments: ["plain", nil] as [String?])
    func plainRefused(method: String?) async throws {
        let vector = try PKCEVector.rfc7636()
        var parameters = CodeFlow.codeRequest(challenge: vector.verifier, method: method)
        if method == nil { parameters.removeAll { $0.0 == "code_challenge_method" } }
        try await expectRedirected(parameters, code: "invalid_request")
    }

    @Test("policy.allowsPlainPKCE accepts plain, and then the verifier equals the challenge (RFC 7636 §4.2, §4.6)")
    func plainAllowedByPolicy() async throws {
        var policy = Policy()
        policy.allowsPlainPKCE = true
        let flow = CodeFlow(policy: policy)
        let vector = try PKCEVector.rfc7636()
        let code = try await flow.code(CodeFlow.codeRequest(challenge: vector.verifier, method: "plain"))
        #expect(await flow.exchange(code, verifier: vector.verifier).status == 200)
    }

    @Test(
        "an unknown code_challenge_method is invalid_request (RFC 7636 §4.4.1)", arguments: ["S512", "s256", "SHA256"])
    func unknownChallengeMethod(method: String) async throws {
        let vector = try PKCEVector.rfc7636()
        try await expectRedirected(
            CodeFlow.codeRequest(challenge: vector.challenge, method: method), code: "invalid_request")
    }

    @Test(
        "a malformed code_challenge is invalid_request (RFC 7636 §4.2, §4.4.1)",
        arguments: [
            String(repeating: "a", count: 42), String(repeating: "a", count: 129),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw/cM",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw cM",
        ])
    func malformedChallenge(challenge: String) async throws {
        try await expectRedirected(CodeFlow.codeRequest(challenge: challenge), code: "invalid_request")
    }

    @Test("code_challenge_method without code_challenge is invalid_request (RFC 7636 §4.3)")
    func methodWithoutChallenge() async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(extra: [("code_challenge_method", "S256")]), code: "invalid_request")
    }

    @Test(
        "a repeated parameter is invalid_request (RFC 6749 §3.1)",
        arguments: [
            ("response_type", "code"), ("scope", "public"), ("state", "again"), ("response_mode", "query"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("prompt", "login"), ("max_age", "60"),
            ("nonce", "n-0S6_WzA2Mj"),
        ])
    func repeatedParameter(name: String, value: String) async throws {
        let vector = try PKCEVector.rfc7636()
        var parameters = CodeFlow.codeRequest(challenge: vector.challenge)
        parameters.removeAll { $0.0 == name }
        parameters += [(name, value), (name, value)]
        let validation = await flow.validate(parameters)
        let (error, response) = try #require(validation.redirected, "repeated \(name) accepted: \(validation)")
        #expect(error.code == "invalid_request")
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect.error == "invalid_request")
        #expect(redirect["code"] == nil)
    }

    @Test(
        "response_mode=query is refused for tokens, and the error goes in the fragment (Multiple Response Types §2.1)")
    func queryModeWithToken() async throws {
        let parameters: [(String, String?)] = [
            ("response_type", "token"), ("client_id", CodeFlow.implicitApp.rawValue),
            ("redirect_uri", CodeFlow.implicitRedirect), ("state", CodeFlow.state), ("response_mode", "query"),
        ]
        try await expectRedirected(parameters, code: "invalid_request", mode: .fragment, to: CodeFlow.implicitRedirect)
    }

    @Test("an unknown response_mode is invalid_request (Multiple Response Types §2.1)")
    func unknownResponseMode() async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(extra: [("response_mode", "web_message")]), code: "invalid_request")
    }

    @Test("a request object is request_not_supported (OpenID Connect Core §6.1, §3.1.2.6)")
    func requestObject() async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(extra: [("request", "eyJhbGciOiJub25lIn0.e30.")]), code: "request_not_supported")
    }

    @Test("request_uri is request_uri_not_supported (OpenID Connect Core §6.2, §3.1.2.6)")
    func requestURI() async throws {
        try await expectRedirected(
            CodeFlow.codeRequest(extra: [("request_uri", "https://app.example.com/request.jwt")]),
            code: "request_uri_not_supported")
    }

    @Test(
        "prompt=none with another value, or an unknown value, is invalid_request (OpenID Connect Core §3.1.2.1)",
        arguments: ["none login", "consent none", "none select_account", "bogus", "login bogus"])
    func promptNoneWithOthers(prompt: String) async throws {
        try await expectRedirected(CodeFlow.codeRequest(extra: [("prompt", prompt)]), code: "invalid_request")
    }

    @Test("prompt values the host acts on are handed over (OpenID Connect Core §3.1.2.1)")
    func promptValues() async throws {
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest(extra: [("prompt", "login consent")]))
        #expect(request.prompt == [.login, .consent])
    }

    @Test(
        "max_age that is not a non-negative integer is invalid_request (OpenID Connect Core §3.1.2.1)",
        arguments: ["-1", "abc", "1.5", "1e3", "0x10", "99999999999999999999999"])
    func badMaxAge(maxAge: String) async throws {
        try await expectRedirected(CodeFlow.codeRequest(extra: [("max_age", maxAge)]), code: "invalid_request")
    }

    @Test("a valid max_age is handed to the host (OpenID Connect Core §3.1.2.1)", arguments: [0, 3600])
    func goodMaxAge(maxAge: Int) async throws {
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest(extra: [("max_age", String(maxAge))]))
        #expect(request.maxAge == maxAge)
    }

    @Test("a client without the code grant asking for a code is unauthorized_client (RFC 6749 §4.1.2.1)")
    func clientNotAllowedCode() async throws {
        let vector = try PKCEVector.rfc7636()
        try await expectRedirected(
            CodeFlow.codeRequest(
                client: CodeFlow.implicitApp, redirectURI: CodeFlow.implicitRedirect, challenge: vector.challenge),
            code: "unauthorized_client", to: CodeFlow.implicitRedirect)
    }

    @Test(
        "the user's denial is access_denied with state (RFC 6749 §4.1.2.1)",
        arguments: [ResponseMode.query, .fragment, .formPost])
    func denied(mode: ResponseMode) async throws {
        let request = try await flow.authorizationRequest(
            CodeFlow.codeRequest(extra: [("response_mode", mode.rawValue)]))
        let redirect = try CodeFlow.Redirect(flow.server.deny(request))
        #expect(redirect.error == "access_denied")
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["iss"] == TestServer.issuer)
        #expect(redirect["code"] == nil)
        #expect(redirect.target == CodeFlow.webAppRedirect)
    }

    @Test("approving none of the scopes asked is a denial: access_denied, and nothing recorded (RFC 6749 §4.1.2.1)")
    func approvedNothing() async throws {
        let redirect = try await flow.approve(CodeFlow.codeRequest(scope: "public"), scopes: [.email])
        #expect(redirect.error == "access_denied")
        #expect(redirect["code"] == nil)
        #expect(try await flow.server.authorizations(of: CodeFlow.alice).isEmpty)
    }

    @Test("an error the host decides on, e.g. login_required, goes to the client (OpenID Connect Core §3.1.2.6)")
    func hostRejection() async throws {
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest(extra: [("prompt", "none")]))
        let redirect = try CodeFlow.Redirect(flow.server.reject(request, with: .loginRequired))
        #expect(redirect.error == "login_required")
        #expect(redirect["state"] == CodeFlow.state)
        #expect(redirect["iss"] == TestServer.issuer)
    }

    @Test("error_description never echoes the request's input (RFC 6749 §4.1.2.1)")
    func descriptionDoesNotEcho() async throws {
        let marker = "INJECTED<script>"
        let validation = await flow.validate(CodeFlow.codeRequest(scope: marker))
        let (_, response) = try #require(validation.redirected)
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect["error_description"]?.contains("INJECTED") == false)
    }
}
