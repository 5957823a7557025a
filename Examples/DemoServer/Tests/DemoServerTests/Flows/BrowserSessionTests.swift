import Foundation
import Granted
import GrantedTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("the sign-in, the consent page and the cookie session")
struct BrowserSessionTests {
    @Test("the session cookie is HttpOnly and SameSite=Lax, and a new one is set at sign-in")
    func cookieAttributes() async throws {
        try await DemoHarness.run { client in
            let signIn = try await client.get(authorizeURI(webCodeRequest))
            let first = try #require(signIn.headers[.setCookie])
            #expect(first.hasPrefix("granted_session="))
            #expect(first.contains("HttpOnly") && first.contains("SameSite=Lax") && first.contains("Path=/"))
            #expect(!first.contains("Secure"), "the demo issuer is http")
            let consent = try await client.submit(signIn, [("username", "alice"), ("password", "wonderland")])
            let second = try #require(consent.headers[values: .setCookie].first)
            #expect(consent.headers[values: .setCookie].count == 1)
            #expect(second.split(separator: ";")[0] != first.split(separator: ";")[0], "no session fixation")
        }
    }

    @Test("a second authorization in the same browser goes straight to consent")
    func secondAuthorization() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            let again = try await client.get(authorizeURI(webCodeRequest))
            #expect(again.status == .ok)
            let form = try HTMLForm(again)
            #expect(form.isConsent)
            #expect(!form.isSignIn)
            #expect(again.text.contains("Signed in as <strong>alice</strong>"))
        }
    }

    @Test("prompt=none without a session: login_required at the redirect URI, with state")
    func promptNoneWithoutSession() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(authorizeURI(webCodeRequest + [("prompt", "none")]))
            #expect(response.status == .seeOther)
            let parameters = try response.redirectParameters(in: .query)
            #expect(parameters["error"] == "login_required")
            #expect(parameters["state"] == "xyz")
        }
    }

    @Test("prompt=none with a session and prior consent: a code at once, no page")
    func promptNoneWithSession() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            let response = try await client.get(authorizeURI(webCodeRequest + [("prompt", "none")]))
            #expect(response.status == .seeOther)
            let parameters = try response.redirectParameters(in: .query)
            #expect(parameters["code"] != nil)
            #expect(parameters["state"] == "xyz")
        }
    }

    @Test("prompt=none with a session but no consent for those scopes: consent_required")
    func promptNoneWithoutConsent() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            var request = webCodeRequest + [("prompt", "none")]
            request[3] = ("scope", "public openid")
            let response = try await client.get(authorizeURI(request))
            #expect(try response.redirectParameters(in: .query)["error"] == "consent_required")
        }
    }

    @Test("prompt=login shows the sign-in form again, then consent, then the code")
    func promptLogin() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            let page = try await client.get(authorizeURI(webCodeRequest + [("prompt", "login")]))
            #expect(try HTMLForm(page).isSignIn)
            let consent = try await client.submit(page, [("username", "bob"), ("password", "builder")])
            #expect(try HTMLForm(consent).isConsent)
            #expect(consent.text.contains("Signed in as <strong>bob</strong>"))
            let redirect = try await client.submit(consent, [("decision", "approve")])
            #expect(try redirect.redirectParameters(in: .query)["code"] != nil)
        }
    }

    @Test("max_age=0 with a session asks for the password again")
    func maxAge() async throws {
        let clock = ManualClock()
        try await DemoHarness.run(clock: clock) { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            clock.advance(by: 5)
            let page = try await client.get(authorizeURI(webCodeRequest + [("max_age", "0")]))
            #expect(try HTMLForm(page).isSignIn)
        }
    }

    @Test(
        "a wrong password shows the form again with an error, and signs nobody in",
        arguments: [("alice", "wrong"), ("alice", ""), ("nobody", "wonderland"), ("bob", "wonderland")])
    func wrongPassword(username: String, password: String) async throws {
        try await DemoHarness.run { client in
            let signIn = try await client.get(authorizeURI(webCodeRequest))
            let again = try await client.submit(signIn, [("username", username), ("password", password)])
            #expect(again.status == .ok)
            let form = try HTMLForm(again)
            #expect(form.isSignIn)
            #expect(again.text.contains("The username or password is incorrect."))
            #expect(form.hiddenValue("state") == "xyz")
            #expect(again.headers[.setCookie] == nil)
            let next = try await client.get(authorizeURI(webCodeRequest))
            #expect(try HTMLForm(next).isSignIn)
        }
    }

    @Test("deny redirects with access_denied and state")
    func deny() async throws {
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(webCodeRequest), decision: "deny")
            #expect(redirect.status == .seeOther)
            let parameters = try redirect.redirectParameters(in: .query)
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["state"] == "xyz")
            #expect(parameters["code"] == nil)
        }
    }

    @Test("a consent form without its CSRF token, or from another browser, approves nothing")
    func csrf() async throws {
        try await DemoHarness.run { client in
            let signIn = try await client.get(authorizeURI(webCodeRequest))
            let consent = try await client.submit(signIn, [("username", "alice"), ("password", "wonderland")])
            let form = try HTMLForm(consent)
            let withoutToken = form.hidden.filter { $0.0 != "csrf_token" } + [("decision", "approve")]
            let forged = try await client.post(form.action, form: withoutToken)
            #expect(forged.status == .forbidden)
            #expect(forged.location == nil)
            #expect(try HTMLForm(forged).isConsent)

            // The form's token, but without the cookie (another browser): no session, no code.
            let elsewhere = try await client.request(
                .post, form.action, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Array(FormEncoder.encode((form.hidden + [("decision", "approve")]).map { ($0.0, Optional($0.1)) }).utf8),
                sendCookies: false)
            #expect(elsewhere.status == .forbidden)
            #expect(elsewhere.location == nil)
        }
    }

    @Test("a POST authorization request from a client (OpenID Connect Core §3.1.2.1) shows the sign-in form")
    func postedAuthorizationRequest() async throws {
        try await DemoHarness.run { client in
            let page = try await client.post("/authorize", form: webCodeRequest)
            #expect(page.status == .ok)
            #expect(try HTMLForm(page).isSignIn)
        }
    }
}
