import Foundation
import Granted
import GrantedTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The demo's contract for pushed authorization requests (RFC 9126): push, then
/// `/authorize?client_id=…&request_uri=…` runs the pushed request once, for its client, before
/// it expires; the forms in between carry the reference, never the parameters.
@Suite("pushed authorization requests (RFC 9126)")
struct PushedAuthorizationTests {
    /// demo-spa's code request with the RFC 7636 Appendix B challenge.
    static let spaRequest = CodeFlowTests.spaRequest

    /// POST /par with `form`, as demo-web with Basic when `basic` is given.
    static func push(_ client: Client, _ form: [(String, String)], basic: (String, String)? = nil) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [:]
        if let (id, secret) = basic {
            headers[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        }
        return try await client.post("/par", form: form, headers: headers)
    }

    static func requestURI(_ client: Client, _ form: [(String, String)] = spaRequest, basic: (String, String)? = nil)
        async throws -> String
    {
        let response = try await push(client, form, basic: basic)
        #expect(response.status == .created, "\(response.text)")
        return try response.string("request_uri")
    }

    @Test("a push answers 201 with a request_uri URN and expires_in 60, not cacheable (§2.2)")
    func push() async throws {
        try await DemoHarness.run { client in
            let response = try await Self.push(client, Self.spaRequest)
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try response.json()
            let uri = try #require(body["request_uri"] as? String)
            #expect(uri.hasPrefix("urn:ietf:params:oauth:request_uri:"))
            #expect(body["expires_in"] as? Int == 60)
        }
    }

    @Test("demo-spa's code flow with PKCE by request_uri: the forms carry only the reference")
    func codeFlow() async throws {
        try await DemoHarness.run { client in
            let uri = try await Self.requestURI(client)
            let target = authorizeURI([("client_id", "demo-spa"), ("request_uri", uri)])
            let signIn = try await client.get(target)
            let form = try HTMLForm(signIn)
            #expect(form.isSignIn)
            #expect(form.hiddenValue("request_uri") == uri)
            #expect(form.hiddenValue("code_challenge") == nil && form.hiddenValue("scope") == nil)
            let consent = try await client.submit(signIn, [("username", "alice"), ("password", "wonderland")])
            #expect(try HTMLForm(consent).isConsent)
            let redirect = try await client.submit(consent, [("decision", "approve")])
            #expect(redirect.status == .seeOther)
            let parameters = try redirect.redirectParameters(in: .query)
            #expect(parameters["state"] == "spa-state")
            let code = try #require(parameters["code"])
            let tokens = try await client.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.spaCallback),
                ("client_id", "demo-spa"), ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            ])
            #expect(tokens.status == .ok, "\(tokens.text)")

            // §4: the request_uri works once; the answer is a page, never a redirect.
            let again = try await client.get(target)
            #expect(again.status == .badRequest)
            #expect(again.location == nil)
        }
    }

    @Test("only the client that pushed a request_uri can use it (§4)")
    func boundToClient() async throws {
        try await DemoHarness.run { client in
            let uri = try await Self.requestURI(
                client,
                [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback)],
                basic: ("demo-web", "demo-web-secret"))
            let other = try await client.get(authorizeURI([("client_id", "demo-spa"), ("request_uri", uri)]))
            #expect(other.status == .badRequest)
            #expect(other.location == nil)
            let mine = try await client.get(authorizeURI([("client_id", "demo-web"), ("request_uri", uri)]))
            #expect(mine.status == .ok)
        }
    }

    @Test("an expired request_uri is refused (§4)")
    func expired() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await DemoHarness.run(clock: clock) { client in
            let uri = try await Self.requestURI(client)
            clock.advance(by: 60)
            let page = try await client.get(authorizeURI([("client_id", "demo-spa"), ("request_uri", uri)]))
            #expect(page.status == .badRequest)
            #expect(page.location == nil)
        }
    }

    /// Pushes the endpoint refuses (§2.1, §2.3), with their status and error.
    static let refused: [(label: String, form: [(String, String)], basic: Bool, status: Int, error: String)] = [
        ("request_uri in a push", spaRequest + [("request_uri", "urn:ietf:params:oauth:request_uri:x")], false, 400, "invalid_request"),
        ("an unknown client", [("client_id", "nobody"), ("response_type", "code")], false, 401, "invalid_client"),
        ("demo-web without its secret", [("client_id", "demo-web"), ("response_type", "code")], false, 401, "invalid_client"),
        ("no PKCE for a public client", Array(spaRequest.prefix(5)), false, 400, "invalid_request"),
        ("an unregistered redirect_uri", [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", "https://evil.example/cb")], true, 400, "invalid_request"),
    ]

    @Test("refused pushes answer JSON errors (§2.3)", arguments: refused.indices)
    func refusedPush(index: Int) async throws {
        let (label, form, basic, status, error) = Self.refused[index]
        try await DemoHarness.run { client in
            let response = try await Self.push(client, form, basic: basic ? ("demo-web", "demo-web-secret") : nil)
            #expect(response.status.code == status, "\(label)")
            #expect(try response.string("error") == error, "\(label)")
        }
    }

    @Test("GET /par is 405 (§2.3); the metadata names the endpoint (§5)")
    func methodAndMetadata() async throws {
        try await DemoHarness.run { client in
            let get = try await client.get("/par")
            #expect(get.status == .methodNotAllowed)
            let metadata = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(metadata["pushed_authorization_request_endpoint"] as? String == DemoHarness.issuer + "/par")
            #expect(metadata["require_pushed_authorization_requests"] as? Bool == false)
        }
    }
}
