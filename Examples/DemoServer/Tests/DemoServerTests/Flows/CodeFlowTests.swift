import Foundation
import Granted
import GrantedTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("authorization code flow through the HTML forms")
struct CodeFlowTests {
    @Test("demo-web (Basic): sign-in form, consent form, code, tokens, GET /user")
    func webCodeFlow() async throws {
        try await DemoHarness.run { client in
            let signIn = try await client.get(authorizeURI(webCodeRequest))
            #expect(signIn.status == .ok)
            let form = try HTMLForm(signIn)
            #expect(form.isSignIn)
            #expect(form.hiddenValue("client_id") == "demo-web")
            #expect(form.hiddenValue("scope") == "public message.send")
            let consent = try await client.submit(signIn, [("username", "alice"), ("password", "wonderland")])
            #expect(consent.status == .ok)
            #expect(try HTMLForm(consent).isConsent)
            #expect(consent.text.contains("Demo Web App"))
            #expect(consent.text.contains("message.send") && consent.text.contains("public"))
            let redirect = try await client.submit(consent, [("decision", "approve")])
            #expect(redirect.status == .seeOther)
            let location = try #require(redirect.location)
            #expect(location.hasPrefix(DemoHarness.webCallback + "?"))
            let parameters = try redirect.redirectParameters(in: .query)
            #expect(parameters["state"] == "xyz")
            #expect(parameters["iss"] == DemoHarness.issuer)
            let code = try #require(parameters["code"])

            let tokens = try await client.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(tokens.status == .ok)
            let body = try tokens.json()
            #expect(body["scope"] as? String == "message.send public")
            #expect(body["refresh_token"] is String)
            let user = try await client.get("/user", headers: client.bearer(try tokens.string("access_token")))
            #expect(user.status == .ok)
            #expect(try user.string("uuid") == DemoHarness.aliceSub)
            #expect(try user.string("username") == "alice")
            #expect(try user.string("name") == "Alice Liddell")

            // §4.1.2: a code works once.
            let replay = try await client.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(replay.status == .badRequest)
            #expect(try replay.string("error") == "invalid_grant")
        }
    }

    static let spaRequest: [(String, String)] = [
        ("response_type", "code"), ("client_id", "demo-spa"), ("redirect_uri", DemoHarness.spaCallback),
        ("scope", "public"), ("state", "spa-state"),
        // RFC 7636 Appendix B
        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("code_challenge_method", "S256"),
    ]

    @Test("demo-spa with PKCE S256: the verifier redeems the code, a wrong one does not")
    func spaWithPKCE() async throws {
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(Self.spaRequest))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            let wrong = try await client.token([
                ("grant_type", "authorization_code"), ("code", code), ("client_id", "demo-spa"),
                ("redirect_uri", DemoHarness.spaCallback), ("code_verifier", String(repeating: "x", count: 43)),
            ])
            #expect(wrong.status == .badRequest)
            #expect(try wrong.string("error") == "invalid_grant")

            let second = try await client.authorize(authorizeURI(Self.spaRequest))
            let code2 = try #require(try second.redirectParameters(in: .query)["code"])
            let good = try await client.token([
                ("grant_type", "authorization_code"), ("code", code2), ("client_id", "demo-spa"),
                ("redirect_uri", DemoHarness.spaCallback),
                ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            ])
            #expect(good.status == .ok, "\(good.text)")
            #expect(try good.json()["refresh_token"] is String)
        }
    }

    @Test("demo-spa without a code_challenge: invalid_request at its redirect URI, with state")
    func spaWithoutPKCE() async throws {
        try await DemoHarness.run { client in
            let request = Self.spaRequest.filter { !$0.0.hasPrefix("code_challenge") }
            let response = try await client.get(authorizeURI(request))
            #expect(response.status == .seeOther)
            let parameters = try response.redirectParameters(in: .query)
            #expect(parameters["error"] == "invalid_request")
            #expect(parameters["state"] == "spa-state")
        }
    }

    @Test("refresh: a new access token that works")
    func refresh() async throws {
        try await DemoHarness.run { client in
            let first = try await client.webTokens()
            let refreshToken = try #require(first.refresh)
            let refreshed = try await client.token(
                [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(refreshed.status == .ok)
            let access = try refreshed.string("access_token")
            #expect(access != first.access)
            let user = try await client.get("/user", headers: client.bearer(access))
            #expect(user.status == .ok)
        }
    }

    @Test("revocation (RFC 7009) of the access token: GET /user answers 401 invalid_token")
    func revokeAccessToken() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens()
            let access = tokens.access
            let introspected = try await client.post(
                "/introspect", form: [("token", access)],
                headers: [.authorization: "Basic " + Data("demo-web:demo-web-secret".utf8).base64EncodedString()])
            #expect(try introspected.json()["active"] as? Bool == true)
            let revoked = try await client.post(
                "/revoke", form: [("token", access)],
                headers: [.authorization: "Basic " + Data("demo-web:demo-web-secret".utf8).base64EncodedString()])
            #expect(revoked.status == .ok)
            let user = try await client.get("/user", headers: client.bearer(access))
            #expect(user.status == .unauthorized)
            #expect(user.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("revoking the refresh token ends the refresh family")
    func revokeRefreshToken() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens()
            let refreshToken = try #require(tokens.refresh)
            let basic: HTTPFields = [
                .authorization: "Basic " + Data("demo-web:demo-web-secret".utf8).base64EncodedString()
            ]
            let revoked = try await client.post("/revoke", form: [("token", refreshToken)], headers: basic)
            #expect(revoked.status == .ok)
            let refreshed = try await client.token(
                [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(try refreshed.string("error") == "invalid_grant")
        }
    }

    @Test("a code expires after --authorization-code-lifetime (30 s)")
    func codeExpiry() async throws {
        let clock = ManualClock()
        try await DemoHarness.run(clock: clock) { client in
            let redirect = try await client.authorize(authorizeURI(webCodeRequest))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            clock.advance(by: 31)
            let late = try await client.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(try late.string("error") == "invalid_grant")
        }
    }
}
