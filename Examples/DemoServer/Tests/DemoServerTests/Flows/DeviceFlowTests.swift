import Foundation
import Granted
import GrantedTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The device authorization grant as the contract describes it (RFC 8628; demo-tv).
@Suite("device authorization grant (demo-tv)")
struct DeviceFlowTests {
    static let grantType = "urn:ietf:params:oauth:grant-type:device_code"

    @Test("the device gets its codes; the user enters the code, signs in, approves; the device gets tokens once")
    func approve() async throws {
        try await DemoHarness.run { client in
            let start = try await client.post(
                "/device_authorization", form: [("client_id", "demo-tv"), ("scope", "openid profile public")])
            #expect(start.status == .ok)
            let device = try start.json()
            let deviceCode = try start.string("device_code")
            let userCode = try start.string("user_code")
            #expect(userCode.count == 9 && userCode.allSatisfy { "BCDFGHJKLMNPQRSTVWXZ-".contains($0) })
            #expect(device["verification_uri"] as? String == DemoHarness.issuer + "/device")
            #expect(device["verification_uri_complete"] as? String == DemoHarness.issuer + "/device?user_code=" + userCode)
            #expect(device["expires_in"] as? Int == 600)
            #expect(device["interval"] as? Int == 5)

            let pending = try await client.token([("grant_type", Self.grantType), ("device_code", deviceCode), ("client_id", "demo-tv")])
            #expect(try pending.string("error") == "authorization_pending")

            // The user types the code in lower case with a space instead of the dash.
            let entry = try await client.get("/device")
            let entryForm = try HTMLForm(entry)
            #expect(entryForm.inputNames == ["user_code"])
            let typed = userCode.lowercased().replacingOccurrences(of: "-", with: " ")
            let signIn = try await client.submit(entry, [("user_code", typed)])
            #expect(try HTMLForm(signIn).isSignIn)
            let consent = try await client.submit(signIn, [("username", "alice"), ("password", "wonderland")])
            #expect(try HTMLForm(consent).isConsent)
            #expect(String(buffer: consent.body).contains("Demo TV"))
            let done = try await client.submit(consent, [("decision", "approve")])
            #expect(done.status == .ok)
            #expect(String(buffer: done.body).contains("return to your device"))

            let tokens = try await client.token([("grant_type", Self.grantType), ("device_code", deviceCode), ("client_id", "demo-tv")])
            #expect(tokens.status == .ok)
            #expect(try tokens.json()["id_token"] is String)
            #expect(try tokens.json()["refresh_token"] is String)
            let me = try await client.get("/user", headers: client.bearer(try tokens.string("access_token")))
            #expect(try me.string("uuid") == DemoHarness.aliceSub)

            let again = try await client.token([("grant_type", Self.grantType), ("device_code", deviceCode), ("client_id", "demo-tv")])
            #expect(try again.string("error") == "invalid_grant")
        }
    }

    @Test("approved in the browser's session: the ID token carries its sid, and signing that browser out ends the device's refresh token")
    func signedOutWithTheBrowser() async throws {
        try await DemoHarness.run { client in
            let webIDToken = try #require(try await client.webTokens(scope: "openid").idToken)
            let start = try await client.post(
                "/device_authorization", form: [("client_id", "demo-tv"), ("scope", "openid public")])
            let deviceCode = try start.string("device_code")
            let complete = try start.string("verification_uri_complete").replacingOccurrences(of: DemoHarness.issuer, with: "")
            let consent = try await client.get(complete)
            #expect(try HTMLForm(consent).isConsent, "the browser is signed in already")
            #expect(try await client.submit(consent, [("decision", "approve")]).status == .ok)
            let tokens = try await client.token([("grant_type", Self.grantType), ("device_code", deviceCode), ("client_id", "demo-tv")])
            let jwks = try await client.get("/.well-known/jwks.json").json()
            let sid = try verifyRS256(try tokens.string("id_token"), jwks: jwks).claims["sid"] as? String
            let browserSID = try verifyRS256(webIDToken, jwks: jwks).claims["sid"] as? String
            #expect(sid != nil && sid == browserSID)

            _ = try await client.post("/logout", form: [("id_token_hint", webIDToken)])
            let refreshed = try await client.token([
                ("grant_type", "refresh_token"), ("refresh_token", try tokens.string("refresh_token")), ("client_id", "demo-tv"),
            ])
            #expect(try refreshed.string("error") == "invalid_grant")
        }
    }

    @Test("verification_uri_complete skips the code entry; deny gives access_denied")
    func deny() async throws {
        try await DemoHarness.run { client in
            let start = try await client.post("/device_authorization", form: [("client_id", "demo-tv")])
            let complete = try start.string("verification_uri_complete").replacingOccurrences(of: DemoHarness.issuer, with: "")
            let signIn = try await client.get(complete)
            #expect(try HTMLForm(signIn).isSignIn)
            let consent = try await client.submit(signIn, [("username", "bob"), ("password", "builder")])
            let done = try await client.submit(consent, [("decision", "deny")])
            #expect(done.status == .ok)
            let denied = try await client.token([
                ("grant_type", Self.grantType), ("device_code", try start.string("device_code")), ("client_id", "demo-tv"),
            ])
            #expect(try denied.string("error") == "access_denied")
        }
    }

    @Test("polling faster than the interval is slow_down; after expires_in, expired_token")
    func slowDownThenExpired() async throws {
        let clock = ManualClock()
        try await DemoHarness.run(clock: clock) { client in
            let start = try await client.post("/device_authorization", form: [("client_id", "demo-tv")])
            let poll: [(String, String)] = [
                ("grant_type", Self.grantType), ("device_code", try start.string("device_code")), ("client_id", "demo-tv"),
            ]
            #expect(try await client.token(poll).string("error") == "authorization_pending")
            clock.advance(by: 1)
            #expect(try await client.token(poll).string("error") == "slow_down")
            clock.advance(by: 600)
            #expect(try await client.token(poll).string("error") == "expired_token")
        }
    }

    @Test("a browser that keeps entering wrong codes is stopped (RFC 8628 §5.1)")
    func wrongCodes() async throws {
        try await DemoHarness.run { client in
            var page = try await client.get("/device")
            for _ in 0..<10 {
                page = try await client.submit(page, [("user_code", "BBBB-BBBB")])
                #expect(page.status == .badRequest)
            }
            page = try await client.submit(page, [("user_code", "BBBB-BBBB")])
            #expect(page.status == .tooManyRequests)
        }
    }

    @Test("the metadata names the device authorization endpoint and the grant")
    func metadata() async throws {
        try await DemoHarness.run { client in
            let metadata = try await client.get("/.well-known/openid-configuration").json()
            #expect(metadata["device_authorization_endpoint"] as? String == DemoHarness.issuer + "/device_authorization")
            #expect((metadata["grant_types_supported"] as? [String])?.contains(Self.grantType) == true)
        }
    }
}
