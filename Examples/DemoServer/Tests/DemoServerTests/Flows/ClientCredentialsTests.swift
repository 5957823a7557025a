import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("client credentials (demo-service)")
struct ClientCredentialsTests {
    @Test("a token with HTTP Basic, then POST /messages as the app")
    func basic() async throws {
        try await DemoHarness.run { client in
            let response = try await client.token(
                [("grant_type", "client_credentials"), ("scope", "public message.send")],
                basic: ("demo-service", "demo-service-secret"))
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try response.json()
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 1_209_600)
            #expect(body["refresh_token"] == nil, "RFC 6749 §4.4.3: no refresh token")
            let token = try response.string("access_token")
            let sent = try await client.request(
                .post, "/messages", headers: client.bearer(token), body: Array(#"{"to":"bob","text":"hi"}"#.utf8))
            #expect(sent.status == .created)
            #expect(try sent.string("from") == "demo-service")
        }
    }

    @Test("client_secret_post works too; a wrong secret is invalid_client")
    func post() async throws {
        try await DemoHarness.run { client in
            let good = try await client.token([
                ("grant_type", "client_credentials"), ("client_id", "demo-service"),
                ("client_secret", "demo-service-secret"),
            ])
            #expect(good.status == .ok)
            let bad = try await client.token(
                [("grant_type", "client_credentials")], basic: ("demo-service", "wrong"))
            #expect(bad.status == .unauthorized)
            #expect(try bad.string("error") == "invalid_client")
            #expect(bad.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
        }
    }

    @Test("GET /user with an app-only token: 403 insufficient_scope JSON, as the README documents")
    func appOnlyUser() async throws {
        try await DemoHarness.run { client in
            let token = try await client.serviceToken()
            let response = try await client.get("/user", headers: client.bearer(token))
            #expect(response.status == .forbidden)
            #expect(try response.string("error") == "insufficient_scope")
            #expect(response.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
        }
    }

    @Test("no refresh token and no authorization code for demo-service")
    func onlyClientCredentials() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(authorizeURI([
                ("response_type", "code"), ("client_id", "demo-service"), ("state", "s"),
            ]))
            // demo-service has no redirect URI: nowhere to send an error, so the user sees it.
            #expect(response.status == .badRequest)
            #expect(response.location == nil)
        }
    }
}
