import Foundation
import Testing

@testable import Granted
import GrantedTesting

// The OpenID Foundation conformance suite's logout OP test modules
// (github.com/openid-certification/conformance-suite, src/main/java/net/openid/conformance/openid),
// from the RP-Initiated Logout and Back-Channel Logout OP plans, each one @Test named by the
// module's testName, doing what the module does against the engine. The suite's "the OP must log
// the user out; upload a screenshot" steps are the decision (sign out, no redirect) here, and its
// follow-up authorization with prompt=none is `interaction` on the session the host kept.
//
//   oidcc-rp-initiated-logout-discovery-endpoint-verification  mirrored (metadata)
//   oidcc-rp-initiated-logout ................................. mirrored (redirect with state, then login_required)
//   oidcc-rp-initiated-logout-no-state ........................ mirrored
//   oidcc-rp-initiated-logout-only-state ...................... mirrored (no redirect)
//   oidcc-rp-initiated-logout-no-params ....................... mirrored
//   oidcc-rp-initiated-logout-no-post-logout-redirect-uri ..... mirrored
//   oidcc-rp-initiated-logout-no-id-token-hint ................ mirrored (never redirected)
//   oidcc-rp-initiated-logout-bad-id-token-hint ............... mirrored (another key)
//   oidcc-rp-initiated-logout-modified-id-token-hint .......... mirrored (alg none)
//   oidcc-rp-initiated-logout-bad-post-logout-redirect-uri .... mirrored
//   oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri  mirrored
//   oidcc-backchannel-logout-discovery-endpoint-verification .. mirrored (metadata)
//   oidcc-backchannel-rp-initiated-logout ..................... mirrored (the logout token, checked as
//       the suite's listener does, then login_required)
@Suite("OpenID Foundation conformance suite: RP-Initiated and Back-Channel Logout OP modules")
struct LogoutConformanceTests {
    typealias OP = SignOutProvider

    /// The happy flow every module starts with: a sign-in of `rp` in a session.
    static func signedIn() async throws -> (OP, UserSession, String) {
        let op = try OP()
        let session = op.session()
        let idToken = try await op.signIn(.rp, session: session).idToken
        return (op, session, idToken)
    }

    /// The host's part: end the session, as the demo does in every case.
    static func hostSignsOut(_ op: OP, _ decision: EndSessionDecision) async throws -> SignOut {
        try await op.server.signOut(decision.request?.sessionID ?? "session-1")
    }

    static func metadata(_ op: OP) async throws -> [String: Any] {
        try op.server.metadata(OAuthRequest(method: .get, path: "/.well-known/openid-configuration")).jsonObject()
    }

    @Test("oidcc-rp-initiated-logout-discovery-endpoint-verification")
    func rpInitiatedDiscovery() async throws {
        let json = try await Self.metadata(try OP())
        #expect(json["end_session_endpoint"] as? String == OP.issuer + "/logout")
    }

    @Test("oidcc-backchannel-logout-discovery-endpoint-verification")
    func backChannelDiscovery() async throws {
        let json = try await Self.metadata(try OP())
        #expect(json["backchannel_logout_supported"] as? Bool == true)
        #expect(json["backchannel_logout_session_supported"] as? Bool == true)
        #expect((json["claims_supported"] as? [String])?.contains("sid") == true)
    }

    @Test("oidcc-rp-initiated-logout")
    func rpInitiatedLogout() async throws {
        let (op, session, hint) = try await Self.signedIn()
        let decision = await op.endSession([
            ("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "logout-state"),
        ])
        #expect(decision.redirectLocation == OP.rpLoggedOut + "?state=logout-state")
        _ = try await Self.hostSignsOut(op, decision)
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
    }

    @Test("oidcc-rp-initiated-logout-no-state")
    func noState() async throws {
        let (op, session, hint) = try await Self.signedIn()
        let decision = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut)])
        #expect(decision.redirectLocation == OP.rpLoggedOut)
        _ = try await Self.hostSignsOut(op, decision)
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
    }

    @Test(
        "oidcc-rp-initiated-logout-only-state, -no-params, -no-post-logout-redirect-uri",
        arguments: ["only-state", "no-params", "no-post-logout-redirect-uri"])
    func signedOutWithoutRedirect(module: String) async throws {
        let (op, session, hint) = try await Self.signedIn()
        let parameters: [(String, String?)] =
            switch module {
            case "only-state": [("state", "s")]
            case "no-params": []
            default: [("id_token_hint", hint), ("state", "s")]
            }
        let decision = await op.endSession(parameters)
        #expect(decision.redirectLocation == nil && !decision.isRefusal)
        _ = try await Self.hostSignsOut(op, decision)
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
    }

    @Test("oidcc-rp-initiated-logout-no-id-token-hint")
    func noIDTokenHint() async throws {
        let (op, _, _) = try await Self.signedIn()
        let decision = await op.endSession([
            ("client_id", "rp"), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "s"),
        ])
        #expect(decision.isConfirmation && decision.redirectLocation == nil)
    }

    @Test("oidcc-rp-initiated-logout-bad-id-token-hint, -modified-id-token-hint", arguments: ["bad", "modified"])
    func badHints(module: String) async throws {
        let (op, _, hint) = try await Self.signedIn()
        let claims = try op.claims(hint)
        let forged: String
        if module == "bad" {
            forged = try JWT.sign(claims, signer: try HS256Signer(key: Array(repeating: 9, count: 32), keyID: "suite"))
        } else {
            // The same ID token with alg changed to none and the signature dropped.
            let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            forged = header + "." + Base64URL.encode(try claims.serialized()) + "."
        }
        let decision = await op.endSession([
            ("id_token_hint", forged), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "s"),
        ])
        #expect(decision.isRefusal && decision.redirectLocation == nil)
    }

    @Test(
        "oidcc-rp-initiated-logout-bad-post-logout-redirect-uri, -query-added-to-post-logout-redirect-uri",
        arguments: ["https://rp.example.com/not-registered", OP.rpLoggedOut + "?foo=bar"])
    func badPostLogoutRedirectURI(uri: String) async throws {
        let (op, _, hint) = try await Self.signedIn()
        let decision = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", uri), ("state", "s")])
        #expect(decision.redirectLocation == nil)
    }

    @Test("oidcc-backchannel-rp-initiated-logout")
    func backChannelRPInitiatedLogout() async throws {
        let (op, session, hint) = try await Self.signedIn()
        let sid = try op.claims(hint).extraClaims.first { $0.name == "sid" }?.stringValue
        let decision = await op.endSession([
            ("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "s"),
        ])
        #expect(decision.redirectLocation != nil)
        let signOut = try await Self.hostSignsOut(op, decision)
        let delivery = try #require(signOut.deliveries.first)
        #expect(signOut.deliveries.count == 1 && delivery.uri == OP.rpBackChannel)
        // The suite's listener: a form POST with logout_token, validated per §2.6.
        #expect(String(decoding: delivery.body, as: UTF8.self).hasPrefix("logout_token="))
        let token = try LogoutToken.validate(
            delivery.logoutToken, issuer: OP.issuer, clientID: OP.rp.clientID, algorithm: .hs256,
            verifiers: [op.signer], now: op.clock.now)
        #expect(token.sessionID?.rawValue == sid && token.subject == OP.alice)
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
    }
}
