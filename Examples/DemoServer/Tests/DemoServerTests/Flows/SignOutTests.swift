@testable import DemoServer
import Foundation
import Granted
import GrantedCrypto
import GrantedTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The demo's end-session endpoint (RP-Initiated Logout 1.0) as the demo's contract ("Sign-out") asks.
@Suite("Sign-out: the end-session endpoint")
struct SignOutTests {
    static let loggedOut = "http://127.0.0.1:8765/logged-out"
    static let rpCallback = "http://127.0.0.1:8765/rp-callback"
    static let rpLoggedOut = "http://127.0.0.1:8765/rp-logged-out"

    /// A relying party registered (RFC 7591) with a `backchannel_logout_uri` and a
    /// `post_logout_redirect_uri` of its own.
    struct RelyingParty {
        let id: String
        let secret: String

        init(registeredWith client: Client, backchannel: String?) async throws {
            var metadata: [String: Any] = [
                "redirect_uris": [SignOutTests.rpCallback], "post_logout_redirect_uris": [SignOutTests.rpLoggedOut],
                "grant_types": ["authorization_code", "refresh_token"], "scope": "openid public",
            ]
            if let backchannel { metadata["backchannel_logout_uri"] = backchannel }
            let registered = try await client.request(
                .post, "/register", headers: [.contentType: "application/json"],
                body: Array(try JSONSerialization.data(withJSONObject: metadata)))
            #expect(registered.status == .created, "\(registered.text)")
            id = try registered.string("client_id")
            secret = try registered.string("client_secret")
        }

        /// Its code flow in `client`'s browser: the token response.
        func signIn(_ client: Client) async throws -> [String: Any] {
            let redirect = try await client.authorize(
                authorizeURI([
                    ("response_type", "code"), ("client_id", id), ("redirect_uri", SignOutTests.rpCallback),
                    ("scope", "openid public"), ("state", "rp"),
                ]))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            let response = try await client.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", SignOutTests.rpCallback)],
                basic: (id, secret))
            #expect(response.status == .ok, "\(response.text)")
            return try response.json()
        }
    }

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

    @Test("a URI registered for another client than the hint's is never redirected to; a client_id not the hint's is refused")
    func otherClientsURI() async throws {
        try await DemoHarness.run { client in
            let rp = try await RelyingParty(registeredWith: client, backchannel: nil)
            let idToken = try await Self.idToken(client)
            let others = try await client.get(
                "/logout?" + FormEncoder.encode([("id_token_hint", idToken), ("post_logout_redirect_uri", Self.rpLoggedOut)]))
            #expect(others.status == .ok && others.location == nil)
            let mismatched = try await client.get(
                "/logout?"
                    + FormEncoder.encode([
                        ("id_token_hint", idToken), ("client_id", rp.id), ("post_logout_redirect_uri", Self.rpLoggedOut),
                    ]))
            #expect(mismatched.status == .badRequest && mismatched.location == nil)
        }
    }

    @Test(
        "sign-out POSTs a logout_token to each signed-in client's backchannel_logout_uri, which Granted's validator accepts (Back-Channel Logout 1.0 §2.4-§2.6)",
        arguments: [true, false])
    func backChannelDelivery(withHint: Bool) async throws {
        let listener = LogoutListener()
        try await listener.run { backchannel in
            try await DemoHarness.run { client in
                let rp = try await RelyingParty(registeredWith: client, backchannel: backchannel)
                let webIDToken = try await Self.idToken(client)
                let tokens = try await rp.signIn(client)
                let rpIDToken = try #require(tokens["id_token"] as? String)
                let jwksResponse = try await client.get("/.well-known/jwks.json")
                let jwks = try jwksResponse.json()
                let sid = try #require(try verifyRS256(rpIDToken, jwks: jwks).claims["sid"] as? String)
                #expect(try verifyRS256(webIDToken, jwks: jwks).claims["sid"] as? String == sid, "one browser session")

                // demo-web, which registered no backchannel_logout_uri, ends the session; without a
                // hint, the browser's cookie names it.
                let out = try await client.post("/logout", form: withHint ? [("id_token_hint", webIDToken)] : [])
                #expect(out.status == .ok && out.location == nil)
                let posts = await listener.posts
                try #require(posts.count == 1, "one delivery, to the registered client only")
                #expect(posts[0].contentType?.hasPrefix(BackChannelLogoutDelivery.contentType) == true)
                let prefix = "logout_token="
                try #require(posts[0].body.hasPrefix(prefix))
                let logoutToken = String(posts[0].body.dropFirst(prefix.count))

                // A Swift relying party's check (§2.6), with the published keys.
                let keys = try JWKSet(json: Array(jwksResponse.body.readableBytesView))
                let verifiers = CryptoKeyVerification().verifiers(for: keys)
                let validated = try LogoutToken.validate(
                    logoutToken, issuer: DemoHarness.issuer, clientID: ClientID(rp.id), algorithm: .rs256,
                    verifiers: verifiers, now: Date())
                #expect(validated.sessionID?.rawValue == sid)
                #expect(validated.subject?.rawValue == DemoHarness.aliceSub)
                #expect(throws: LogoutToken.Rejection.wrongAudience) {
                    try LogoutToken.validate(
                        logoutToken, issuer: DemoHarness.issuer, clientID: "demo-web", algorithm: .rs256,
                        verifiers: verifiers, now: Date())
                }
                #expect(throws: LogoutToken.Rejection.self, "an ID token is not a logout token") {
                    try LogoutToken.validate(
                        rpIDToken, issuer: DemoHarness.issuer, clientID: ClientID(rp.id), algorithm: .rs256,
                        verifiers: verifiers, now: Date())
                }
                // And independently of Granted: typ, events, no nonce (§2.4).
                let (header, claims) = try verifyRS256(logoutToken, jwks: jwks)
                #expect(header["typ"] as? String == "logout+jwt")
                #expect((claims["events"] as? [String: Any])?[LogoutToken.event] is [String: Any])
                #expect(claims["nonce"] == nil && claims["jti"] is String)

                // The session's refresh token went with it (no offline_access).
                let refreshToken = try #require(tokens["refresh_token"] as? String)
                let refreshed = try await client.token(
                    [("grant_type", "refresh_token"), ("refresh_token", refreshToken)], basic: (rp.id, rp.secret))
                #expect(try refreshed.string("error") == "invalid_grant")
                // Signing out again delivers nothing more.
                _ = try await client.post("/logout", form: [("id_token_hint", webIDToken)])
                #expect(await listener.posts.count == 1)
            }
        }
    }
}

extension SignOutTests {
    @Test("the 303 to the relying party comes back only once its client was told (Back-Channel Logout 1.0 §2.5)")
    func redirectAfterDelivery() async throws {
        let listener = LogoutListener(delay: .milliseconds(300))
        try await listener.run { backchannel in
            try await DemoHarness.run { client in
                let rp = try await RelyingParty(registeredWith: client, backchannel: backchannel)
                let idToken = try #require(try await rp.signIn(client)["id_token"] as? String)
                let out = try await client.get(
                    "/logout?"
                        + FormEncoder.encode([
                            ("id_token_hint", idToken), ("post_logout_redirect_uri", Self.rpLoggedOut), ("state", "s"),
                        ]))
                #expect(out.status == .seeOther && out.location == Self.rpLoggedOut + "?state=s")
                #expect(await listener.posts.count == 1, "redirected before the client was told")
            }
        }
    }
}

/// The demo's sender of back-channel deliveries: a form POST, a timeout, bounded retries (§2.8).
@Suite("Sign-out: back-channel deliveries")
struct BackChannelSenderTests {
    static func delivery(to uri: String) -> BackChannelLogoutDelivery {
        BackChannelLogoutDelivery(client: "rp", uri: uri, logoutToken: "header.claims.signature")
    }

    @Test("a failed delivery is retried, at most `attempts` times in all", arguments: [(0, true, 1), (2, true, 3), (5, false, 3)])
    func boundedRetries(failures: Int, delivered: Bool, posts: Int) async throws {
        let listener = LogoutListener(failures: failures)
        try await listener.run { uri in
            #expect(await BackChannelSender(timeout: 2, attempts: 3).send(Self.delivery(to: uri)) == delivered)
        }
        let received = await listener.posts
        #expect(received.count == posts)
        #expect(received.allSatisfy { $0.body == "logout_token=header.claims.signature" })
    }

    @Test("a redirect is not followed: the token reaches the registered URI only (§2.5)")
    func redirectRefused() async throws {
        let listener = LogoutListener()
        try await listener.run { uri in
            let moved = uri.replacingOccurrences(of: "/backchannel", with: "/moved")
            #expect(await BackChannelSender(timeout: 2, attempts: 2).send(Self.delivery(to: moved)) == false)
        }
        #expect(await listener.posts.isEmpty, "the redirect was followed")
    }

    @Test("an endpoint that does not answer within the timeout is given up on")
    func timeout() async throws {
        let listener = LogoutListener(delay: .seconds(3))
        try await listener.run { uri in
            let start = ContinuousClock.now
            #expect(await BackChannelSender(timeout: 0.5, attempts: 2).send(Self.delivery(to: uri)) == false)
            // Without the timeout the first attempt would wait out the 3 s delay and succeed.
            #expect(ContinuousClock.now - start < .seconds(3))
        }
    }
}
