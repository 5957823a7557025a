import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The contract's "Dynamic client registration (RFC 7591) and management (RFC 7592)" over HTTP.
@Suite("dynamic client registration")
struct RegistrationTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test("the metadata names the registration endpoint, which registers with 201")
    func advertisedAndOpen() async throws {
        try await DemoHarness.run { client in
            let metadata = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(metadata["registration_endpoint"] as? String == "\(DemoHarness.issuer)/register")
            let response = try await client.request(
                .post, "/register", headers: Self.json,
                body: Array(#"{"redirect_uris":["https://app.example.com/cb"],"client_name":"Registered"}"#.utf8))
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try response.json()
            let id = try response.string("client_id")
            #expect((body["client_secret"] as? String)?.isEmpty == false)
            #expect(body["client_secret_expires_at"] as? Int == 0)
            #expect(body["client_id_issued_at"] is Int)
            #expect((body["registration_access_token"] as? String)?.isEmpty == false)
            #expect(body["registration_client_uri"] as? String == "\(DemoHarness.issuer)/register/\(id)")
            #expect(body["token_endpoint_auth_method"] as? String == "client_secret_basic")
            #expect(body["grant_types"] as? [String] == ["authorization_code"])
            #expect(body["client_name"] as? String == "Registered")
        }
    }

    @Test("refused with 400 and a JSON error", arguments: [
        (#"{"redirect_uris":["https://app.example.com/cb#x"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["http://app.example.com/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["myapp:/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://app.example.com/cb"],"grant_types":["password"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://app.example.com/cb"],"token_endpoint_auth_method":"tls_client_auth"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://app.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
    ])
    func refused(_ body: String, code: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(.post, "/register", headers: Self.json, body: Array(body.utf8))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try response.string("error") == code)
        }
    }

    @Test("a registered public client signs a user in with PKCE S256, like demo-spa; without PKCE it is refused")
    func publicClientFlow() async throws {
        try await DemoHarness.run { client in
            let registered = try await client.request(
                .post, "/register", headers: Self.json,
                body: Array(#"{"redirect_uris":["\#(DemoHarness.spaCallback)"],"token_endpoint_auth_method":"none","scope":"public"}"#.utf8))
            let id = try registered.string("client_id")
            #expect(try registered.json()["client_secret"] == nil)
            let base = [
                ("response_type", "code"), ("client_id", id), ("redirect_uri", DemoHarness.spaCallback),
                ("scope", "public"), ("state", "reg"),
            ]
            let noPKCE = try await client.get(authorizeURI(base))
            #expect(try noPKCE.redirectParameters(in: .query)["error"] == "invalid_request")
            let redirect = try await client.authorize(authorizeURI(base + [
                ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("code_challenge_method", "S256"),
            ]))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            let tokens = try await client.post("/token", form: [
                ("grant_type", "authorization_code"), ("code", code), ("client_id", id),
                ("redirect_uri", DemoHarness.spaCallback), ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            ])
            #expect(tokens.status == .ok)
            let user = try await client.get("/user", headers: client.bearer(try tokens.string("access_token")))
            #expect(try user.string("username") == "alice")
        }
    }

    @Test("read (200), replace (200), delete (204) with the registration access token; then invalid_client; 401 without it")
    func management() async throws {
        try await DemoHarness.run { client in
            let registered = try await client.request(
                .post, "/register", headers: Self.json,
                body: Array(#"{"grant_types":["client_credentials"],"scope":"public message.send"}"#.utf8))
            let id = try registered.string("client_id")
            let secret = try registered.string("client_secret")
            let token = try registered.string("registration_access_token")
            let path = "/register/\(id)"
            #expect(try await client.token([("grant_type", "client_credentials")], basic: (id, secret)).status == .ok)

            for bad in [HTTPFields(), client.bearer("wrong")] {
                #expect(try await client.request(.get, path, headers: bad).status == .unauthorized)
            }
            #expect(try await client.request(.get, "/register/unknown", headers: client.bearer(token)).status == .unauthorized)
            let read = try await client.request(.get, path, headers: client.bearer(token))
            #expect(read.status == .ok)
            #expect(try read.string("client_id") == id)
            #expect(try read.json()["client_secret"] == nil)
            // RFC 7592 §2.1, §3: the read answers a new token; the one it replaced is dead.
            let readToken = try read.string("registration_access_token")
            #expect(readToken != token)
            #expect(try await client.request(.get, path, headers: client.bearer(token)).status == .unauthorized)

            var headers = client.bearer(readToken)
            headers[.contentType] = "application/json"
            let replaced = try await client.request(
                .put, path, headers: headers,
                body: Array(#"{"client_id":"\#(id)","grant_types":["client_credentials"],"client_name":"Renamed"}"#.utf8))
            #expect(replaced.status == .ok)
            #expect(try replaced.string("client_name") == "Renamed")
            let newToken = try replaced.string("registration_access_token")

            let deleted = try await client.request(.delete, path, headers: client.bearer(newToken))
            #expect(deleted.status == .noContent)
            let after = try await client.token([("grant_type", "client_credentials")], basic: (id, secret))
            #expect(after.status == .unauthorized)
            #expect(try after.string("error") == "invalid_client")
            #expect(try await client.request(.get, path, headers: client.bearer(newToken)).status == .unauthorized)
        }
    }
}
