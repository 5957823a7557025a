import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The contract's resource indicators (RFC 8707), protected resource metadata (RFC 9728) and JWT
/// access tokens (RFC 9068), over HTTP as a client sees them.
@Suite("resource indicators, protected resource metadata and JWT access tokens")
struct ResourceIndicatorTests {
    static let tools = "https://tools.demo.example/mcp"
    static let metadataPath = "/.well-known/oauth-protected-resource"

    /// demo-web's code request for `resources`, approved by alice, and the code redeemed with
    /// `exchange` resources (nil: none sent at the token endpoint).
    static func codeTokens(
        _ client: Client, resources: [String], exchange: [String]? = nil
    ) async throws -> TestResponse {
        let redirect = try await client.authorize(authorizeURI(webCodeRequest + resources.map { ("resource", $0) }))
        let code = try #require(try redirect.redirectParameters(in: .query)["code"])
        return try await client.token(
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)]
                + (exchange ?? []).map { ("resource", $0) },
            basic: ("demo-web", "demo-web-secret"))
    }

    static func basic(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()]
    }

    /// The token's audience, as its own client introspects it (RFC 7662; the demo lets a client
    /// see its own tokens).
    static func audience(
        _ client: Client, of token: String, as owner: (String, String) = ("demo-web", "demo-web-secret")
    ) async throws -> Set<String> {
        let response = try await client.post("/introspect", form: [("token", token)], headers: basic(owner.0, owner.1))
        let json = try response.json()
        #expect(json["active"] as? Bool == true, "\(response.text)")
        if let one = json["aud"] as? String { return [one] }
        return Set(json["aud"] as? [String] ?? [])
    }

    @Test("RFC 9728 §3.2: the API's metadata names it, the issuer, its scopes and the header method")
    func metadata() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(Self.metadataPath)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let json = try response.json()
            #expect(json["resource"] as? String == DemoHarness.issuer)
            #expect(json["authorization_servers"] as? [String] == [DemoHarness.issuer])
            #expect(Set(json["scopes_supported"] as? [String] ?? []).isSuperset(of: ["public", "message.send"]))
            #expect(json["bearer_methods_supported"] as? [String] == ["header"])
            let server = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(Set(server["protected_resources"] as? [String] ?? []) == [DemoHarness.issuer, Self.tools])
        }
    }

    @Test("no resource: the token is for the demo's API, opaque, and works at /user")
    func defaultAudience() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens()
            #expect(tokens.access.split(separator: ".").count == 1, "an opaque token")
            #expect(try await Self.audience(client, of: tokens.access) == [DemoHarness.issuer])
            #expect(try await client.get("/user", headers: client.bearer(tokens.access)).status == .ok)
        }
    }

    @Test(
        "RFC 8707 §2: a resource that is relative, has a fragment or is unknown is invalid_target, redirected with state",
        arguments: ["/relative", "https://tools.demo.example/mcp#frag", "https://unknown.example/api", "urn:x"])
    func invalidTargetAtAuthorize(resource: String) async throws {
        try await DemoHarness.run { client in
            let redirect = try await client.get(authorizeURI(webCodeRequest + [("resource", resource)]))
            #expect(redirect.status == .found || redirect.status == .seeOther)
            let parameters = try redirect.redirectParameters(in: .query)
            #expect(parameters["error"] == "invalid_target")
            #expect(parameters["state"] == "xyz")
        }
    }

    @Test("RFC 9068 §2: a token for the tools resource is an RS256 at+jwt with the §2.2 claims, checkable with the JWKS")
    func jwtForTools() async throws {
        try await DemoHarness.run { client in
            let response = try await Self.codeTokens(client, resources: [Self.tools])
            #expect(response.status == .ok, "\(response.text)")
            let token = try response.string("access_token")
            let jwks = try await client.get("/.well-known/jwks.json").json()
            let (header, claims) = try verifyRS256(token, jwks: jwks)
            #expect(header["typ"] as? String == "at+jwt")
            #expect(claims["iss"] as? String == DemoHarness.issuer)
            let audience = (claims["aud"] as? String).map { [$0] } ?? claims["aud"] as? [String]
            #expect(audience == [Self.tools])
            #expect(claims["sub"] as? String == DemoHarness.aliceSub)
            #expect(claims["client_id"] as? String == "demo-web")
            #expect(claims["scope"] as? String == "message.send public")
            for name in ["exp", "iat", "auth_time"] { #expect(claims[name] is NSNumber, "\(name)") }
            #expect(claims["jti"] is String)
            // Recorded like any token: introspection sees its audience, and the demo's API refuses it.
            #expect(try await Self.audience(client, of: token) == [Self.tools])
            let user = try await client.get("/user", headers: client.bearer(token))
            #expect(user.status == .unauthorized)
            #expect(user.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            // Revocation kills it.
            let owner = Self.basic("demo-web", "demo-web-secret")
            let revoked = try await client.post("/revoke", form: [("token", token)], headers: owner)
            #expect(revoked.status == .ok)
            let after = try await client.post("/introspect", form: [("token", token)], headers: owner)
            #expect(try after.json()["active"] as? Bool == false)
        }
    }

    @Test("RFC 8707 §2.2: the code exchange narrows to a subset, never widens")
    func narrowNeverWiden() async throws {
        try await DemoHarness.run { client in
            let both = [DemoHarness.issuer, Self.tools]
            let narrowed = try await Self.codeTokens(client, resources: both, exchange: [DemoHarness.issuer])
            #expect(narrowed.status == .ok, "\(narrowed.text)")
            let token = try narrowed.string("access_token")
            #expect(try await Self.audience(client, of: token) == [DemoHarness.issuer])
            // Refreshing may narrow to the other granted resource, but not reach a new one.
            let refresh = try narrowed.string("refresh_token")
            let basic = ("demo-web", "demo-web-secret")
            let toTools = try await client.token(
                [("grant_type", "refresh_token"), ("refresh_token", refresh), ("resource", Self.tools)], basic: basic)
            #expect(toTools.status == .ok, "\(toTools.text)")
            #expect(try await Self.audience(client, of: try toTools.string("access_token")) == [Self.tools])

            let widened = try await Self.codeTokens(client, resources: [DemoHarness.issuer], exchange: [Self.tools])
            #expect(widened.status == .badRequest)
            #expect(try widened.string("error") == "invalid_target")
        }
    }

    @Test("client credentials take a resource too; an unknown one is invalid_target (RFC 8707 §2)")
    func clientCredentials() async throws {
        try await DemoHarness.run { client in
            let basic = ("demo-service", "demo-service-secret")
            let ok = try await client.token(
                [("grant_type", "client_credentials"), ("scope", "public"), ("resource", Self.tools)], basic: basic)
            #expect(ok.status == .ok, "\(ok.text)")
            let token = try ok.string("access_token")
            #expect(token.split(separator: ".").count == 3, "a JWT for the tools resource")
            #expect(try await Self.audience(client, of: token, as: basic) == [Self.tools])
            let unknown = try await client.token(
                [("grant_type", "client_credentials"), ("resource", "https://unknown.example/")], basic: basic)
            #expect(unknown.status == .badRequest)
            #expect(try unknown.string("error") == "invalid_target")
        }
    }
}
