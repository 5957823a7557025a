import Foundation
import Granted
import GrantedTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The demo's end-session endpoint (RP-Initiated Logout 1.0) as `demo-server.md` "Sign-out" asks.
@Suite("Sign-out: the end-session endpoint")
struct SignOutTests {
    static let loggedOut = "http://127.0.0.1:8765/logged-out"

    /// Signs alice in for demo-web with `openid`: the ID token.
    static func idToken(_ client: Client) async throws -> String {
        try #require(try await client.webTokens(scope: "openid public").idToken)
    }

    @Test("metadata: end_session_endpoint and back-channel logout with sid")
    func metadata() async throws {
        try await DemoHarness.run { client in
            let json = try await client.get("/.well-known/openid-configuration").json()
            #expect(json["end_session_endpoint"] as? String == DemoHarness.issuer + "/logout")
            #expect(json["backchannel_logout_supported"] as? Bool == true)
            #expect(json["backchannel_logout_session_supported"] as? Bool == true)
        }
    }

    @Test("the ID token carries sid; GET and POST end-session redirect (303) to the registered URI with state",
        arguments: [false, true])
    func redirects(post: Bool) async throws {
        try await DemoHarness.run { client in
            let idToken = try await Self.idToken(client)
            let jwks = try await client.get("/.well-known/jwks.json").json()
            let (_, claims) = try verifyRS256(idToken, jwks: jwks)
            #expect((claims["sid"] as? String)?.isEmpty == false)
            let parameters = [("id_token_hint", idToken), ("post_logout_redirect_uri", Self.loggedOut), ("state", "bye")]
            let response =
                post
                ? try await client.post("/logout", form: parameters)
                : try await client.get("/logout?" + FormEncoder.encode(parameters.map { ($0.0, Optional($0.1)) }))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == Self.loggedOut + "?state=bye")
            // Afterwards prompt=none answers login_required.
            let silent = try await client.get(
                authorizeURI([
                    ("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback),
                    ("scope", "openid"), ("state", "s"), ("prompt", "none"),
                ]))
            #expect(try silent.redirectParameters(in: .query)["error"] == "login_required")
        }
    }

    @Test("an unregistered URI, no hint, or a forged hint: a signed-out page, no redirect")
    func noRedirect() async throws {
        try await DemoHarness.run { client in
            let idToken = try await Self.idToken(client)
            let unregistered = try await client.get(
                "/logout?" + FormEncoder.encode([("id_token_hint", idToken), ("post_logout_redirect_uri", "https://evil.example/")]))
            #expect(unregistered.status == .ok && unregistered.headers[.location] == nil)
            let noHint = try await client.get(
                "/logout?" + FormEncoder.encode([("client_id", "demo-web"), ("post_logout_redirect_uri", Self.loggedOut)]))
            #expect(noHint.status == .ok && noHint.headers[.location] == nil)
            let forged = try await client.get(
                "/logout?" + FormEncoder.encode([("id_token_hint", "e30.e30."), ("post_logout_redirect_uri", Self.loggedOut)]))
            #expect(forged.status == .badRequest && forged.headers[.location] == nil)
        }
    }
}
