import Foundation
import Granted
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Whatever arrives, on whatever route, the answer is never a 5xx.
@Suite("malformed input never gets a 5xx")
struct MalformedInputTests {
    static let paths = [
        "/authorize", "/token", "/revoke", "/introspect", "/userinfo", "/.well-known/jwks.json",
        "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/user", "/messages",
        "/nowhere",
    ]
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]

    static let headerValues: [(HTTPField.Name, String)] = [
        (.authorization, "Basic !!!"), (.authorization, "Basic " + Data(":".utf8).base64EncodedString()),
        (.authorization, "Basic " + Data("demo-web:".utf8).base64EncodedString()), (.authorization, "Bearer"),
        (.authorization, "Bearer "), (.authorization, "Bearer a b"), (.authorization, "Bearer ===="),
        (.authorization, "Digest x"), (.authorization, String(repeating: "B", count: 8000)),
        (.contentType, "application/x-www-form-urlencoded; charset=latin1"), (.contentType, "application/json"),
        (.contentType, "multipart/form-data; boundary=x"), (.contentType, ";;;"),
        (.cookie, "granted_session=;;;=;granted_session=\(String(repeating: "A", count: 43))"),
        (.cookie, String(repeating: "x=y; ", count: 500)),
        (.apiKey, ""), (.apiKey, "demo-api-key-alice\u{7F}"), (.apiKey, String(repeating: "k", count: 5000)),
    ]

    static let queries = [
        "", "?", "?%", "?%zz=1", "?a=%FF%FE", "?client_id=demo-web&client_id=demo-web", "?=&=&&",
        "?response_type=code&client_id=demo-web&redirect_uri=" + String(repeating: "%41", count: 9000),
        "?" + Array(repeating: "a=1", count: 500).joined(separator: "&"),
        "?response_type=code%20id_token&client_id=demo-web&scope=openid&nonce=n&prompt=none&max_age=-1",
        "?response_type=code&client_id=demo-web&max_age=99999999999999999999999",
        "?access_token=x",
    ]

    static func body(_ random: inout SplitMix64) -> [UInt8] {
        switch Int.random(in: 0..<7, using: &random) {
        case 0: return (0..<Int.random(in: 0...2048, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1: return Array("grant_type=authorization_code&code=%ZZ&code=\u{0}".utf8)
        case 2: return Array(("scope=" + String(repeating: "public ", count: 4000)).utf8)
        case 3: return Array(repeating: UInt8(ascii: "&"), count: 20_000)
        case 4: return Array((webCodeRequest.map { "\($0.0)=\($0.1)" } + ["decision=approve", "csrf_token=x", "username=alice"]).joined(separator: "&").utf8)
        case 5: return Array(#"{"to":{"$ne":null},"text":[1,2]}"#.utf8)
        default: return Array(repeating: UInt8(ascii: "a"), count: 70_000)  // past the 64 KiB cap: 413
        }
    }

    @Test("random requests on every route", arguments: 0..<12)
    func sweep(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        var plan: [(HTTPRequest.Method, String, HTTPTypes.HTTPFields, [UInt8])] = []
        for _ in 0..<60 {
            let method = Self.methods.randomElement(using: &random) ?? .get
            let path = Self.paths.randomElement(using: &random) ?? "/"
            let query = Self.queries.randomElement(using: &random) ?? ""
            var headers: HTTPTypes.HTTPFields = [:]
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                if let (name, value) = Self.headerValues.randomElement(using: &random) { headers.append(HTTPField(name: name, value: value)) }
            }
            if Bool.random(using: &random) { headers[.contentType] = "application/x-www-form-urlencoded" }
            plan.append((method, path + query, headers, Self.body(&random)))
        }
        let requests = plan
        try await DemoHarness.run { client in
            for (method, uri, headers, body) in requests {
                let response = try await client.request(method, uri, headers: headers, body: body)
                #expect(response.status.code < 500, "seed \(seed): \(method) \(uri.prefix(120)) -> \(response.status)")
            }
        }
    }

    @Test("every route and method with an empty request", arguments: paths)
    func everyMethod(path: String) async throws {
        try await DemoHarness.run { client in
            for method in Self.methods {
                let response = try await client.request(method, path)
                #expect(response.status.code < 500, "\(method) \(path) -> \(response.status)")
            }
        }
    }

    @Test("a body over the cap is refused with 413 before anything reads it")
    func oversizedBody() async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(
                .post, "/token", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Array(repeating: UInt8(ascii: "a"), count: 70_000))
            #expect(response.status == .contentTooLarge)
        }
    }
}
