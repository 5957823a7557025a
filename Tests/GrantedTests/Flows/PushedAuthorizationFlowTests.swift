import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// What RFC 9126 §2-§4 requires of the authorization server, and the tests that fail without it
/// (here unless named; `PushedAuthorizationAssertionTests` and `PushedAuthorizationRequestObjectTests`
/// in `PushedAuthorizationAssertionTests.swift`):
///
/// - §2 The PAR endpoint URL MUST use https: it is the issuer's (RFC 8414 §2, an https URL) plus a
///   path, as advertised: `metadata`. Serving it over TLS is the host's.
/// - §2 Client authentication follows the token endpoint's rules, methods included: `authentication`,
///   `publicClient`, `otherClientID`, and for `client_secret_jwt`/`private_key_jwt` `audience`,
///   `replay`, `wrongSigner`.
/// - §2 The AS MUST accept its issuer identifier, token endpoint URL or PAR endpoint URL as an
///   assertion's audience: `audience` (the PAR endpoint URL case fails without it).
/// - §2.1 `request_uri` MUST NOT be pushed; the AS rejects a push carrying one: `requestURIRefused`.
/// - §2.1 The AS MUST authenticate the client, reject `request_uri` and validate the pushed request
///   as an authorization request: `authentication`, `requestURIRefused`, `validatedAtPush`,
///   `publicClientNeedsPKCE`. Credentials are not part of the request: `credentialsNotStored`,
///   `assertionNotStored`.
/// - §2.2 `request_uri` MUST contain a cryptographically strong pseudorandom part (here 256 bits
///   from the `RandomSource`): `response`, `unique`; it MUST be bound to the client that pushed it:
///   `boundToClient`, `unknownRequestURI`. 201 with `request_uri` and `expires_in`: `response`,
///   `lifetime`.
/// - §2.3 Errors as at the token endpoint, 405 for other methods: `methods`, `formOnly`,
///   `validatedAtPush` (JSON, never a redirect).
/// - §3 Request objects are optional; refused with `request_not_supported`: `requestRefused`,
///   `requestBesideRequestURI`.
/// - §4 An expired `request_uri` MUST be rejected as invalid: `expiry`. One-time use (SHOULD, done):
///   `singleUse`, `concurrentUse`. A pushed request MUST be validated as any other authorization
///   request when it runs: `validatedAgain`, `codeFlowWithPKCE`. Inline parameters never override
///   it: `inlineParameters`. Policy requiring PAR refuses other requests with `invalid_request`:
///   `requiredByPolicy`, `requiredByClient` (§5, §6 metadata: `metadata`).
@Suite("Pushed authorization requests, end to end (RFC 9126)")
struct PushedAuthorizationFlowTests {
    // MARK: §2: the pushed authorization request endpoint

    @Test("a push answers 201 with a request_uri of 256 random bits and expires_in, never cached (§2.2)")
    func response() async throws {
        let flow = CodeFlow()
        let response = await flow.push(CodeFlow.codeRequest())
        #expect(response.status == 201)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.isNotCacheable)
        let json = try response.jsonObject()
        let uri = try #require(json["request_uri"] as? String)
        #expect(uri.hasPrefix("urn:ietf:params:oauth:request_uri:"))
        #expect(uri.utf8.count == "urn:ietf:params:oauth:request_uri:".utf8.count + 43)
        #expect(json["expires_in"] as? Int == 60)
    }

    @Test("expires_in is the policy's lifetime, in whole seconds (§2.2)", arguments: [5.0, 90.0, 600.9])
    func lifetime(seconds: TimeInterval) async throws {
        var policy = Policy()
        policy.pushedRequestLifetime = seconds
        let response = await CodeFlow(policy: policy).push(CodeFlow.codeRequest())
        #expect(try response.jsonObject()["expires_in"] as? Int == Int(seconds))
    }

    @Test("every request_uri is different")
    func unique() async throws {
        let flow = CodeFlow()
        var seen = Set<String>()
        for _ in 0..<20 { seen.insert(try await flow.requestURI()) }
        #expect(seen.count == 20)
    }

    @Test("only POST is a push: 405 with Allow (§2.3)", arguments: ["GET", "PUT", "DELETE", "HEAD"])
    func methods(method: String) async {
        let flow = CodeFlow()
        let response = await flow.server.pushedAuthorizationRequest(
            OAuthRequest(method: .init(rawValue: method), path: "/par"))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
    }

    @Test("a body that is not a form is invalid_request (§2.1)")
    func formOnly() async {
        let response = await CodeFlow().server.pushedAuthorizationRequest(
            OAuthRequest(
                method: .post, path: "/par", headers: ["Content-Type": "application/json"],
                body: Array(#"{"client_id":"code-app"}"#.utf8)))
        #expect(response.errorCode == "invalid_request")
    }

    /// How a push authenticates, and what the endpoint answers (§2.1: as at the token endpoint).
    static let authentications: [(caller: ClientAuth?, status: Int, error: String?)] = [
        (.basic(CodeFlow.webApp), 201, nil),
        (.body(CodeFlow.webApp), 201, nil),
        (nil, 401, "invalid_client"),
        (.basic(BasicCredentials(clientID: "code-app", secret: "wrong")), 401, "invalid_client"),
        (.body(BasicCredentials(clientID: "code-app", secret: "wrong")), 401, "invalid_client"),
        // A confidential client's id alone is not authentication.
        (.publicClient(CodeFlow.webApp.clientID), 401, "invalid_client"),
        (.publicClient("nobody"), 401, "invalid_client"),
    ]

    @Test("the client authenticates as at the token endpoint (§2.1)", arguments: authentications)
    func authentication(caller: ClientAuth?, status: Int, error: String?) async {
        let response = await CodeFlow().push(CodeFlow.codeRequest(), as: caller)
        #expect(response.status == status, "\(response.bodyText)")
        #expect(response.errorCode == error)
        if status == 401 { #expect(response.headers["WWW-Authenticate"] != nil) }
    }

    @Test("a public client pushes with client_id alone, and PKCE (§2.1)")
    func publicClient() async throws {
        let flow = CodeFlow()
        let response = await flow.push(try CodeFlow.nativeCodeRequest(), as: CodeFlow.native)
        #expect(response.status == 201, "\(response.bodyText)")
    }

    @Test("a client_id naming another client than the authenticated one is refused (§2.1)")
    func otherClientID() async {
        let flow = CodeFlow()
        let response = await flow.push(CodeFlow.codeRequest(client: CodeFlow.otherApp.clientID), as: CodeFlow.web)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("request_uri is never pushed (§2.1)")
    func requestURIRefused() async {
        let flow = CodeFlow()
        let response = await flow.push(
            CodeFlow.codeRequest(extra: [("request_uri", "urn:ietf:params:oauth:request_uri:abc")]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
    }

    /// Pushed requests the authorization endpoint would refuse, and the error the push answers.
    static let invalidRequests: [(label: String, parameters: [(String, String?)], error: String)] = [
        ("unregistered redirect_uri", CodeFlow.codeRequest(redirectURI: "https://evil.example.com/cb"), "invalid_request"),
        ("no response_type", CodeFlow.codeRequest().filter { $0.0 != "response_type" }, "invalid_request"),
        (
            "unknown response_type",
            CodeFlow.codeRequest().map { $0.0 == "response_type" ? ($0.0, "magic") : $0 }, "unsupported_response_type"
        ),
        ("unknown scope", CodeFlow.codeRequest(scope: "launch-missiles"), "invalid_scope"),
        ("implicit for a code-only client", CodeFlow.codeRequest().map { $0.0 == "response_type" ? ($0.0, "token") : $0 }, "unauthorized_client"),
        ("plain PKCE", CodeFlow.codeRequest(challenge: String(repeating: "a", count: 43), method: "plain"), "invalid_request"),
        ("repeated state", CodeFlow.codeRequest(extra: [("state", "again")]), "invalid_request"),
        ("bad prompt", CodeFlow.codeRequest(extra: [("prompt", "sometimes")]), "invalid_request"),
    ]

    @Test(
        "a push is validated as the authorization endpoint would, and errors are JSON (§2.1, §2.3)",
        arguments: invalidRequests.indices)
    func validatedAtPush(index: Int) async {
        let (label, parameters, error) = Self.invalidRequests[index]
        let flow = CodeFlow()
        let response = await flow.push(parameters)
        #expect(response.status == 400, "\(label)")
        #expect(response.errorCode == error, "\(label): \(response.bodyText)")
        #expect(response.headers["Location"] == nil)
    }

    @Test("a public client must push a PKCE challenge (§2.1; RFC 9700 §2.1.1)")
    func publicClientNeedsPKCE() async {
        let response = await CodeFlow().push(
            CodeFlow.codeRequest(client: CodeFlow.nativeApp, redirectURI: CodeFlow.nativeAppRedirect),
            as: CodeFlow.native)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("the client's secret is not part of the pushed request")
    func credentialsNotStored() async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI(as: .body(CodeFlow.webApp))
        let request = try #require(await flow.authorize(uri).request)
        #expect(!request.parameters.contains("client_secret"))
        #expect(try request.parameters.single("client_id") == CodeFlow.webApp.clientID.rawValue)
    }

    @Test("the endpoint is routed by handle(_:) at its path")
    func routed() async throws {
        let flow = CodeFlow()
        let response = try #require(
            await flow.server.handle(
                RequestBuilder.form("/par", CodeFlow.codeRequest(), as: .basic(CodeFlow.webApp))))
        #expect(response.status == 201)
        #expect(EndpointPaths().handled.contains("/par"))
    }

    // MARK: §4: the authorization endpoint

    @Test("client_id and request_uri run the pushed request")
    func runsPushedRequest() async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI(CodeFlow.codeRequest(scope: "public profile"))
        let request = try #require(await flow.authorize(uri).request)
        #expect(request.isPushed)
        #expect(request.scopes == [.public, .profile])
        #expect(request.state == CodeFlow.state)
        #expect(request.redirectURI == CodeFlow.webAppRedirect)
        #expect(!request.parameters.contains("request_uri"))
    }

    @Test("a request_uri works once (§4)")
    func singleUse() async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        #expect(await flow.authorize(uri).request != nil)
        let again = await flow.authorize(uri)
        #expect(again.userFacingError == .invalidRequest("request_uri is unknown, expired or already used"))
    }

    @Test("of concurrent uses of one request_uri exactly one runs (§4)", arguments: [2, 10, 50])
    func concurrentUse(uses: Int) async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        let valid = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<uses { group.addTask { await flow.authorize(uri).request != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(valid == 1)
    }

    @Test("an expired request_uri is refused, never redirected (§4)", arguments: [0, 1, 59, 60, 61, 3600])
    func expiry(afterSeconds seconds: Int) async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        flow.clock.advance(by: TimeInterval(seconds))
        let validation = await flow.authorize(uri)
        if seconds < 60 {
            #expect(validation.request != nil)
        } else {
            #expect(validation.userFacingError?.code == "invalid_request")
        }
    }

    @Test("a request_uri works only for the client that pushed it, and another's try does not use it up (§4)")
    func boundToClient() async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        let other = await flow.authorize(uri, client: CodeFlow.otherApp.clientID)
        #expect(other.userFacingError?.code == "invalid_request")
        #expect(other.redirected == nil)
        #expect(await flow.authorize(uri).request != nil)
    }

    @Test(
        "unknown request_uris and clients are for the user, never redirected (§4; RFC 6749 §4.1.2.1)",
        arguments: ["urn:ietf:params:oauth:request_uri:nothing", "urn:ietf:params:oauth:request_uri:", "urn:ietf:params:oauth:request_uri:\u{0}"])
    func unknownRequestURI(uri: String) async throws {
        let flow = CodeFlow()
        #expect(await flow.authorize(uri).userFacingError?.code == "invalid_request")
        let pushed = try await flow.requestURI()
        #expect(await flow.authorize(pushed, client: "nobody").userFacingError?.code == "invalid_request")
        #expect(await flow.validate([("request_uri", pushed)]).userFacingError?.code == "invalid_request")
    }

    /// Inline parameters beside `request_uri`, and whether the request runs.
    static let inline: [(label: String, parameters: [(String, String?)], runs: Bool)] = [
        ("none", [], true),
        ("the same response_type", [("response_type", "code")], true),
        ("the same state and redirect_uri", [("state", CodeFlow.state), ("redirect_uri", CodeFlow.webAppRedirect)], true),
        ("another state", [("state", "forged")], false),
        ("another redirect_uri", [("redirect_uri", CodeFlow.otherAppRedirect)], false),
        ("another response_type", [("response_type", "token")], false),
        ("a scope not pushed", [("scope", "profile")], false),
        ("a nonce not pushed", [("nonce", "n")], false),
    ]

    @Test("inline parameters that repeat the pushed ones are ignored; others contradict it and are refused (§4)",
        arguments: inline.indices)
    func inlineParameters(index: Int) async throws {
        let (label, parameters, runs) = Self.inline[index]
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        let validation = await flow.authorize(uri, inline: parameters)
        #expect((validation.request != nil) == runs, "\(label)")
        if !runs {
            #expect(validation.userFacingError?.code == "invalid_request", "\(label)")
            #expect(validation.redirected == nil, "\(label)")
        }
    }

    @Test("a pushed request is validated again when it runs: a client no longer allowed is refused (§4)")
    func validatedAgain() async throws {
        let clients = TestServer.clients()
        for client in CodeFlow.clients() { clients.register(client) }
        let store = InMemoryGrantStore()
        let clock = ManualClock(TestServer.start)
        let server = AuthorizationServer(issuer: TestServer.issuer, clients: clients, store: store, clock: clock)
        let push = await server.pushedAuthorizationRequest(
            RequestBuilder.form("/par", CodeFlow.codeRequest(), as: .basic(CodeFlow.webApp)))
        let uri = try #require(try push.jsonObject()["request_uri"] as? String)
        var changed = try #require(try await clients.client(CodeFlow.webApp.clientID))
        changed.grantTypes = [.refreshToken]
        clients.register(changed)
        let validation = await server.validate(
            RequestBuilder.authorize([("client_id", CodeFlow.webApp.clientID.rawValue), ("request_uri", uri)]))
        #expect(validation.redirected?.error.code == "unauthorized_client")
    }

    // MARK: §4, §5, §6: requiring pushed requests

    @Test("with the policy's switch, a plain authorization request is refused and a pushed one runs (§4, §5)")
    func requiredByPolicy() async throws {
        var policy = Policy()
        policy.requiresPushedAuthorizationRequests = true
        let flow = CodeFlow(policy: policy)
        let plain = await flow.validate(CodeFlow.codeRequest())
        #expect(plain.userFacingError == .invalidRequest("this client must push its authorization requests"))
        #expect(plain.redirected == nil)
        #expect(await flow.authorize(try await flow.requestURI()).request != nil)
    }

    @Test("with the client's switch, only that client must push (§4, §6)")
    func requiredByClient() async throws {
        let flow = CodeFlow.withPAR()
        let plain = await flow.validate(
            CodeFlow.codeRequest(client: CodeFlow.parOnlyApp.clientID, redirectURI: CodeFlow.parOnlyRedirect))
        #expect(plain.userFacingError?.code == "invalid_request")
        #expect(await flow.validate(CodeFlow.codeRequest()).request != nil)
        let uri = try await flow.requestURI(
            CodeFlow.codeRequest(client: CodeFlow.parOnlyApp.clientID, redirectURI: CodeFlow.parOnlyRedirect),
            as: .basic(CodeFlow.parOnlyApp))
        #expect(await flow.authorize(uri, client: CodeFlow.parOnlyApp.clientID).request != nil)
    }

    // MARK: The whole flow

    @Test("a public client's code flow with PKCE through a pushed request", arguments: [true, false])
    func codeFlowWithPKCE(rightVerifier: Bool) async throws {
        let flow = CodeFlow()
        let verifier = rightVerifier ? try PKCEVector.rfc7636().verifier : String(repeating: "x", count: 43)
        let uri = try await flow.requestURI(try CodeFlow.nativeCodeRequest(scope: "public"), as: CodeFlow.native)
        let request = try #require(await flow.authorize(uri, client: CodeFlow.nativeApp).request)
        #expect(request.challenge != nil)
        let redirect = try CodeFlow.Redirect(
            await flow.server.approve(request, subject: CodeFlow.alice, authTime: flow.clock.now))
        #expect(redirect["state"] == CodeFlow.state)
        let code = try #require(redirect["code"])
        // The pushed challenge binds the code (RFC 7636 §4.6).
        let response = await flow.exchange(
            code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect, verifier: verifier)
        if rightVerifier {
            let tokens = try CodeFlow.Tokens(response)
            #expect(await flow.verifies(tokens.accessToken))
        } else {
            #expect(response.errorCode == "invalid_grant")
        }
    }

    // MARK: §5: metadata

    @Test("the metadata names the endpoint and whether pushing is required (§5)", arguments: [false, true])
    func metadata(required: Bool) async throws {
        var policy = Policy()
        policy.requiresPushedAuthorizationRequests = required
        let flow = CodeFlow(policy: policy)
        let document = try await MetadataTests.document(flow.server, MetadataTests.oauthMetadata)
        #expect(document["pushed_authorization_request_endpoint"] as? String == TestServer.issuer + "/par")
        #expect(document["require_pushed_authorization_requests"] as? Bool == required)
    }
}

extension PushedAuthorizationFlowTests {
    @Test("a request_uri that is not a pushed request's stays request_uri_not_supported (Core §6.2)")
    func requestObjectByReference() async {
        let flow = CodeFlow()
        let validation = await flow.validate(
            CodeFlow.codeRequest(extra: [("request_uri", "https://app.example.com/request.jwt")]))
        #expect(validation.redirected?.error == .requestURINotSupported)
    }
}
