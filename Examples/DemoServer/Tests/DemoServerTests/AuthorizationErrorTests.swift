import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("authorization endpoint errors: for the user, or for the client")
struct AuthorizationErrorTests {
    static let neverRedirected: [(String, [(String, String)])] = [
        ("unknown client", [("response_type", "code"), ("client_id", "nobody"), ("redirect_uri", DemoHarness.webCallback), ("state", "s")]),
        ("no client_id", [("response_type", "code"), ("redirect_uri", DemoHarness.webCallback), ("state", "s")]),
        ("unregistered redirect_uri", [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", "http://127.0.0.1:8765/evil"), ("state", "s")]),
        ("redirect_uri of another client", [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.spaCallback), ("state", "s")]),
        ("redirect_uri with an extra query", [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback + "?x=1"), ("state", "s")]),
        ("redirect_uri differing in case", [("response_type", "code"), ("client_id", "demo-web"), ("redirect_uri", "HTTP://127.0.0.1:8765/callback"), ("state", "s")]),
    ]

    @Test("400 HTML page, never a redirect", arguments: neverRedirected)
    func userFacing(_ why: String, _ request: [(String, String)]) async throws {
        try await DemoHarness.run { client in
            for response in [
                try await client.get(authorizeURI(request)),
                try await client.post("/authorize", form: request + [("username", "alice"), ("password", "wonderland")]),
            ] {
                #expect(response.status == .badRequest, "\(why)")
                #expect(response.location == nil, "\(why)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.text.contains("invalid_request"))
                #expect(!response.text.contains("<script"))
            }
        }
    }

    static let redirected: [(String, [(String, String)], String)] = [
        ("unknown response_type", [("response_type", "bogus")], "unsupported_response_type"),
        ("no response_type", [], "invalid_request"),
        ("unknown scope", [("response_type", "code"), ("scope", "public admin")], "invalid_scope"),
        ("repeated parameter", [("response_type", "code"), ("response_type", "code")], "invalid_request"),
        ("request object", [("response_type", "code"), ("request", "eyJ")], "request_not_supported"),
        ("prompt=none with login", [("response_type", "code"), ("prompt", "none login")], "invalid_request"),
    ]

    @Test("every other error goes to the redirect URI with state (RFC 6749 §4.1.2.1)", arguments: redirected)
    func clientFacing(_ why: String, _ extra: [(String, String)], _ error: String) async throws {
        try await DemoHarness.run { client in
            let request = [("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback), ("state", "st")] + extra
            let response = try await client.get(authorizeURI(request))
            #expect(response.status == .seeOther, "\(why)")
            let parameters = try response.redirectParameters(in: .query)
            #expect(parameters["error"] == error, "\(why)")
            #expect(parameters["state"] == "st", "\(why)")
        }
    }

    @Test("HTML in a parameter is escaped on the pages")
    func escaping() async throws {
        try await DemoHarness.run { client in
            let hostile = #""><script>alert(1)</script>"#
            var request = webCodeRequest
            request[4] = ("state", hostile)
            let page = try await client.get(authorizeURI(request + [("login_hint", hostile)]))
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>"))
            #expect(try HTMLForm(page).hiddenValue("state") == hostile)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        }
    }
}
