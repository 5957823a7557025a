import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("protected resources: GET /user and POST /messages")
struct ResourceTests {
    static var aliceKey: HTTPTypes.HTTPFields { [.apiKey: "demo-api-key-alice"] }
    /// The DPoP challenge's `algs` (RFC 9449 §7.1): what the demo's `CryptoKeyVerification` verifies.
    static let dpopAlgorithms = "RS256 PS256 ES256 EdDSA"

    @Test("GET /user with alice's API key")
    func userWithAPIKey() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get("/user", headers: Self.aliceKey)
            #expect(response.status == .ok)
            #expect(try response.string("uuid") == DemoHarness.aliceSub)
            #expect(try response.string("username") == "alice")
        }
    }

    @Test("POST /messages with a user's bearer token and with the API key: 201 and the message")
    func postMessage() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens()
            let token = tokens.access
            let body = Array(#"{"to": "bob", "text": "hi"}"#.utf8)
            for headers in [client.bearer(token), Self.aliceKey] {
                var headers = headers
                headers[.contentType] = "application/json"
                let response = try await client.request(.post, "/messages", headers: headers, body: body)
                #expect(response.status == .created)
                let message = try response.json()
                #expect(message["from"] as? String == "alice")
                #expect(message["to"] as? String == "bob")
                #expect(message["text"] as? String == "hi")
                #expect(message["id"] is String && message["created_at"] is String)
            }
        }
    }

    @Test(
        "POST /messages with bad JSON: 400",
        arguments: ["", "{", "[]", "null", #"{"to":"bob"}"#, #"{"text":"hi"}"#, #"{"to":"","text":"hi"}"#,
                    #"{"to":5,"text":"hi"}"#, #"{"to":"bob","text":""}"#])
    func badMessage(_ body: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(.post, "/messages", headers: Self.aliceKey, body: Array(body.utf8))
            #expect(response.status == .badRequest)
            #expect(try response.string("error") == "invalid_message")
        }
    }

    @Test("no credentials: 401 with a bare Bearer challenge naming the API's metadata (RFC 6750 §3.1; RFC 9728 §5.1)", arguments: ["/user", "/messages"])
    func anonymous(_ path: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(path == "/user" ? .get : .post, path)
            #expect(response.status == .unauthorized)
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer realm="api", resource_metadata="http://127.0.0.1:8080/.well-known/oauth-protected-resource", DPoP algs="\#(Self.dpopAlgorithms)""#)
        }
    }

    @Test(
        "a bad token or key: 401 invalid_token with WWW-Authenticate",
        arguments: [("Authorization", "Bearer not-a-token"), ("X-API-Key", "demo-api-key-bob"), ("authorization", "bearer gat_x")])
    func badCredential(_ name: String, _ value: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.get("/user", headers: [try #require(HTTPField.Name(name)): value])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer ") == true)
            #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("a token without message.send: 403 insufficient_scope naming the scope")
    func insufficientScope() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens(scope: "public")
            let token = tokens.access
            let response = try await client.request(
                .post, "/messages", headers: client.bearer(token), body: Array(#"{"to":"bob","text":"hi"}"#.utf8))
            #expect(response.status == .forbidden)
            let challenge = try #require(response.headers[.wwwAuthenticate])
            #expect(challenge.contains(#"error="insufficient_scope""#))
            // RFC 6750 §3.1: the scope needed, with what the token has, so one step-up does both.
            #expect(challenge.contains(#"scope="message.send public""#))
            // The same token reads /user (scope public).
            #expect(try await client.get("/user", headers: client.bearer(token)).status == .ok)
        }
    }

    @Test("a token in the query is refused (RFC 9700 §4.3.2); two credentials are refused")
    func refusedPlacements() async throws {
        try await DemoHarness.run { client in
            let token = try await client.serviceToken()
            let query = try await client.get("/user?access_token=\(token)")
            #expect(query.status == .badRequest)
            var both = client.bearer(token)
            both[.apiKey] = "demo-api-key-alice"
            #expect(try await client.get("/user", headers: both).status == .badRequest)
        }
    }

    @Test("wrong methods: 405 with Allow", arguments: [("/user", HTTPRequest.Method.post), ("/messages", .get), ("/messages", .delete)])
    func wrongMethod(_ path: String, _ method: HTTPRequest.Method) async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(method, path, headers: Self.aliceKey)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] != nil)
        }
    }
}
