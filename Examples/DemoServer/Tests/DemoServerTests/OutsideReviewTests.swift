import Foundation
import Granted
import GrantedTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The outside review's findings as a client sees them over HTTP (`demo-server.md`).
@Suite("Outside review, over HTTP")
struct OutsideReviewTests {
    // MARK: Finding 2

    @Test("OpenID Connect Core §3.1.2.1: with prompt=login, the sign-in page's fields plus decision=approve approve nothing")
    func promptLoginCannotBeSkipped() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            let signIn = try await client.get(authorizeURI(webCodeRequest + [("prompt", "login")]))
            #expect(try HTMLForm(signIn).isSignIn)
            let response = try await client.submit(signIn, [("decision", "approve")])
            #expect(response.location == nil, "approved without a sign-in: \(response.location ?? "")")
            #expect(response.status != .seeOther)
        }
    }

    @Test("OpenID Connect Core §3.1.2.1: a consent page's token from another request does not approve a prompt=login request")
    func consentTokenOfAnotherRequest() async throws {
        try await DemoHarness.run { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            var other = webCodeRequest
            other[4] = ("state", "another")
            let consent = try await client.get(authorizeURI(other))
            let consentForm = try HTMLForm(consent)
            #expect(consentForm.isConsent)
            let token = try #require(consentForm.hiddenValue("csrf_token"))
            let signIn = try HTMLForm(try await client.get(authorizeURI(webCodeRequest + [("prompt", "login")])))
            let fields = signIn.hidden.filter { $0.0 != "csrf_token" } + [("csrf_token", token), ("decision", "approve")]
            let response = try await client.post(signIn.action, form: fields)
            #expect(response.location == nil, "approved without a sign-in: \(response.location ?? "")")
        }
    }

    @Test("OpenID Connect Core §3.1.2.1: prompt=login, signed in again: the consent page approves, with a fresh auth_time")
    func promptLoginAfterSignIn() async throws {
        let clock = ManualClock()
        try await DemoHarness.run(clock: clock) { client in
            _ = try await client.authorize(authorizeURI(webCodeRequest))
            clock.advance(by: 3600)
            let redirect = try await client.authorize(authorizeURI(webCodeRequest + [("prompt", "login")]))
            #expect(try redirect.redirectParameters(in: .query)["code"] != nil)
        }
    }

    // MARK: Finding 5

    @Test("RFC 7009 §2.1: revoking another client's token answers 400 unauthorized_client, and the token keeps working")
    func revokeAnotherClientsToken() async throws {
        try await DemoHarness.run { client in
            let tokens = try await client.webTokens()
            let basic: HTTPFields = [
                .authorization: "Basic " + Data("demo-service:demo-service-secret".utf8).base64EncodedString()
            ]
            for token in [tokens.access, try #require(tokens.refresh)] {
                let refused = try await client.post("/revoke", form: [("token", token)], headers: basic)
                #expect(refused.status == .badRequest)
                #expect(try refused.string("error") == "unauthorized_client")
            }
            let spa = try await client.post("/revoke", form: [("token", tokens.access), ("client_id", "demo-spa")])
            #expect(try spa.string("error") == "unauthorized_client")
            #expect(try await client.get("/user", headers: client.bearer(tokens.access)).status == .ok)
        }
    }

    // MARK: Finding 6

    @Test(
        "RFC 6749 §5.2: a body over the size limit gets 413 with a JSON invalid_request error on every JSON endpoint",
        arguments: ["/token", "/revoke", "/introspect", "/userinfo", "/user", "/messages"])
    func oversizedBodyIsJSON(_ path: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.request(
                .post, path, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Array(repeating: UInt8(ascii: "a"), count: 70_000))
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
            #expect(try response.string("error") == "invalid_request", "\(path): \(response.text)")
        }
    }
}
