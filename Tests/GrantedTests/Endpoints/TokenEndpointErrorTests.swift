import Testing

@_spi(Benchmarks) @testable import Granted

/// Every error the token endpoint answers to a client credentials request, exactly as it goes on
/// the wire (RFC 6749 §5.2).
@Suite("Token endpoint errors (RFC 6749 §5.2)")
struct TokenEndpointErrorTests {
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let request: OAuthRequest
        let code: String
        /// Whether the client tried HTTP Basic, so a 401 must carry a Basic challenge.
        var basicTried = false
        var testDescription: String { "\(code): \(name)" }
        var status: Int { code == "invalid_client" ? 401 : 400 }
    }

    private static let service = TestServer.service
    private static let grant = ("grant_type", "client_credentials" as String?)

    private static func basic(_ id: String, _ secret: String) -> BasicCredentials {
        BasicCredentials(clientID: ClientID(id), secret: secret)
    }

    private static func post(_ parameters: [(String, String?)], basic: BasicCredentials? = nil) -> OAuthRequest {
        TestServer.tokenRequest(parameters, basic: basic)
    }

    private static func withQuery(_ request: OAuthRequest, _ query: String) -> OAuthRequest {
        var request = request
        request.query = query
        return request
    }

    private static func withHeaders(_ request: OAuthRequest, _ edit: (inout HeaderFields) -> Void) -> OAuthRequest {
        var request = request
        edit(&request.headers)
        return request
    }

    static let invalidClient: [ErrorCase] = [
        ErrorCase(
            name: "unknown client, Basic", request: post([grant], basic: basic("nobody", "x")),
            code: "invalid_client", basicTried: true),
        ErrorCase(
            name: "unknown client, body", request: post([grant, ("client_id", "nobody"), ("client_secret", "x")]),
            code: "invalid_client"),
        ErrorCase(
            name: "wrong secret, Basic", request: post([grant], basic: basic("service", "wrong")),
            code: "invalid_client", basicTried: true),
        ErrorCase(
            name: "empty secret, Basic", request: post([grant], basic: basic("service", "")),
            code: "invalid_client", basicTried: true),
        ErrorCase(
            name: "another client's secret, Basic",
            request: post([grant], basic: basic("service", TestServer.webApp.secret)),
            code: "invalid_client", basicTried: true),
        ErrorCase(
            name: "wrong secret, body",
            request: post([grant, ("client_id", "service"), ("client_secret", "wrong")]), code: "invalid_client"),
        ErrorCase(name: "no authentication at all", request: post([grant]), code: "invalid_client"),
        ErrorCase(
            name: "a confidential client's id without its secret",
            request: post([grant, ("client_id", "service")]), code: "invalid_client"),
        ErrorCase(
            name: "a public client presenting a secret, Basic", request: post([grant], basic: basic("spa", "x")),
            code: "invalid_client", basicTried: true),
        ErrorCase(
            name: "a public client presenting a secret, body",
            request: post([grant, ("client_id", "kiosk"), ("client_secret", "x")]), code: "invalid_client"),
        ErrorCase(
            name: "client_id and client_secret in the query, not the body (§2.3.1)",
            request: withQuery(post([grant]), "client_id=service&client_secret=service-secret"),
            code: "invalid_client"),
        ErrorCase(
            name: "malformed Basic value",
            request: withHeaders(post([grant])) { $0.append("Authorization", "Basic !!!") },
            code: "invalid_client", basicTried: true),
    ]

    static let invalidRequest: [ErrorCase] = [
        ErrorCase(
            name: "missing grant_type", request: post([("scope", "public")], basic: service), code: "invalid_request"),
        ErrorCase(
            name: "empty grant_type", request: post([("grant_type", "")], basic: service), code: "invalid_request"),
        ErrorCase(
            name: "repeated grant_type",
            request: post([grant, ("grant_type", "client_credentials")], basic: service), code: "invalid_request"),
        ErrorCase(
            name: "repeated scope",
            request: post([grant, ("scope", "public"), ("scope", "profile")], basic: service),
            code: "invalid_request"),
        ErrorCase(
            name: "repeated client_id",
            request: post([
                grant, ("client_id", "service"), ("client_id", "service"), ("client_secret", service.secret),
            ]),
            code: "invalid_request"),
        ErrorCase(
            name: "repeated client_secret",
            request: post([grant, ("client_id", "service"), ("client_secret", service.secret), ("client_secret", "x")]),
            code: "invalid_request"),
        ErrorCase(
            name: "text/plain body",
            request: withHeaders(post([grant], basic: service)) { $0.set("Content-Type", "text/plain") },
            code: "invalid_request"),
        ErrorCase(
            name: "JSON body",
            request: OAuthRequest(
                method: .post, path: "/token",
                headers: ["Content-Type": "application/json", "Authorization": service.headerValue],
                body: Array(#"{"grant_type":"client_credentials"}"#.utf8)),
            code: "invalid_request"),
        ErrorCase(
            name: "no content type",
            request: OAuthRequest(
                method: .post, path: "/token", headers: ["Authorization": service.headerValue],
                body: Array("grant_type=client_credentials".utf8)),
            code: "invalid_request"),
        ErrorCase(
            name: "Basic and client_secret in the body (§2.3)",
            request: post([grant, ("client_secret", service.secret)], basic: service), code: "invalid_request"),
        ErrorCase(
            name: "body client_id naming another client than Basic (§2.3)",
            request: post([grant, ("client_id", "web-app")], basic: service), code: "invalid_request"),
        ErrorCase(
            name: "grant_type in the query, not the body (§3.2)",
            request: withQuery(post([], basic: service), "grant_type=client_credentials"), code: "invalid_request"),
        ErrorCase(
            name: "two Authorization headers",
            request: withHeaders(post([grant], basic: service)) { $0.append("Authorization", service.headerValue) },
            code: "invalid_request"),
    ]

    static let grantAndScope: [ErrorCase] = [
        ErrorCase(
            name: "password grant", request: post([("grant_type", "password")], basic: service),
            code: "unsupported_grant_type"),
        ErrorCase(
            name: "implicit has no grant_type", request: post([("grant_type", "implicit")], basic: service),
            code: "unsupported_grant_type"),
        ErrorCase(
            name: "grant types are case-sensitive",
            request: post([("grant_type", "CLIENT_CREDENTIALS")], basic: service), code: "unsupported_grant_type"),
        ErrorCase(
            name: "device code grant for a client not registered for it",
            request: post([("grant_type", "urn:ietf:params:oauth:grant-type:device_code")], basic: service),
            code: "unauthorized_client"),
        ErrorCase(
            name: "confidential client not registered for client credentials",
            request: post([grant], basic: TestServer.webApp), code: "unauthorized_client"),
        ErrorCase(
            name: "public client not registered for client credentials (§4.4)",
            request: post([grant, ("client_id", "spa")]), code: "unauthorized_client"),
        ErrorCase(
            name: "public client registered for client credentials (§4.4)",
            request: post([grant, ("client_id", "kiosk")]), code: "unauthorized_client"),
        ErrorCase(
            name: "unknown scope", request: post([grant, ("scope", "admin")], basic: service), code: "invalid_scope"),
        ErrorCase(
            name: "one unknown scope among known ones",
            request: post([grant, ("scope", "public admin")], basic: service), code: "invalid_scope"),
        ErrorCase(
            name: "scope known to the server but not allowed to the client",
            request: post([grant, ("scope", "email")], basic: service), code: "invalid_scope"),
        ErrorCase(
            name: "double space in scope", request: post([grant, ("scope", "public  profile")], basic: service),
            code: "invalid_scope"),
        ErrorCase(
            name: "leading space in scope", request: post([grant, ("scope", " public")], basic: service),
            code: "invalid_scope"),
        ErrorCase(
            name: "quote in scope", request: post([grant, ("scope", "\"public\"")], basic: service),
            code: "invalid_scope"),
        ErrorCase(
            name: "backslash in scope", request: post([grant, ("scope", "pub\\lic")], basic: service),
            code: "invalid_scope"),
    ]

    @Test(
        "each error has its code and status, is not cached, and issues nothing (RFC 6749 §5.2)",
        arguments: invalidClient + invalidRequest + grantAndScope)
    func error(_ errorCase: ErrorCase) async throws {
        let (server, store) = TestServer.make()
        let response = await server.token(errorCase.request)
        #expect(response.status == errorCase.status)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(response.isNotCacheable)
        let json = try response.jsonObject()
        #expect(json["error"] as? String == errorCase.code)
        #expect(Set(json.keys).isSubset(of: ["error", "error_description", "error_uri"]))
        #expect(store.accessTokenCount == 0)
    }

    @Test(
        "invalid_client always carries one Basic challenge, whether or not the client tried Basic (RFC 6749 §5.2; RFC 9110 §15.5.2)",
        arguments: invalidClient)
    func basicChallenge(_ errorCase: ErrorCase) async throws {
        let (server, _) = TestServer.make()
        let response = await server.token(errorCase.request)
        let challenges = response.headers.filter { HeaderFields.namesEqual($0.name, "WWW-Authenticate") }
        #expect(challenges.count == 1, "basic tried: \(errorCase.basicTried)")
        let challenge = try #require(challenges.first?.value)
        #expect(challenge.lowercased().hasPrefix("basic"))
    }

    @Test(
        "errors other than invalid_client carry no challenge (RFC 6749 §5.2)",
        arguments: invalidRequest + grantAndScope)
    func noChallenge(_ errorCase: ErrorCase) async {
        let (server, _) = TestServer.make()
        #expect(await server.token(errorCase.request).headers["WWW-Authenticate"] == nil)
    }

    @Test(
        "no error description echoes what the client sent (RFC 6749 §5.2)",
        arguments: invalidClient + invalidRequest + grantAndScope)
    func noEcho(_ errorCase: ErrorCase) async throws {
        let (server, _) = TestServer.make()
        let json = try await server.token(errorCase.request).jsonObject()
        let description = json["error_description"] as? String ?? ""
        for echoed in ["nobody", "wrong", "admin", "web-app", "password", "CLIENT_CREDENTIALS"] {
            #expect(!description.contains(echoed))
        }
        // RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
        #expect(
            description.utf8.allSatisfy {
                $0 == 0x20 || $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0)
            })
    }
    @Test(
        "the device grant's errors: 400 JSON, not cached, no challenge, descriptions within §5.2's characters (RFC 8628 §3.5)",
        arguments: [OAuthError.authorizationPending, .slowDown, .expiredToken, .accessDenied])
    func deviceErrors(_ error: OAuthError) throws {
        let response = error.tokenEndpointResponse
        #expect(response.status == 400)
        #expect(response.isNotCacheable)
        #expect(response.headers["WWW-Authenticate"] == nil)
        let json = try response.jsonObject()
        #expect(json["error"] as? String == error.code)
        let description = json["error_description"] as? String ?? ""
        #expect(
            description.utf8.allSatisfy {
                $0 == 0x20 || $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0)
            })
        #expect(["authorization_pending", "slow_down", "expired_token", "access_denied"].contains(error.code))
    }
}
