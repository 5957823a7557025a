import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2, §3): every MUST, and
/// that nothing redirects anywhere but a registered URI of the client the hint names.
@Suite("RP-Initiated Logout: the end-session request")
struct EndSessionTests {
    typealias OP = SignOutProvider

    @Test("a verified hint and a registered URI redirect (303) there with state", arguments: [false, true])
    func redirects(post: Bool) async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        let decision = await op.endSession(
            [("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "s t&x")], post: post)
        #expect(decision.redirectLocation == OP.rpLoggedOut + "?state=s%20t%26x")
        #expect(decision.request?.sessionID == "session-1")
        #expect(decision.request?.client == OP.rp.clientID)
        if case .signOutAndRedirect(_, let response) = decision { #expect(response.status == 303) }
    }

    @Test("state is appended to a URI that has a query; without state nothing is added")
    func stateEncoding() async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        let withQuery = await op.endSession(
            [("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOutWithQuery), ("state", "abc")])
        #expect(withQuery.redirectLocation == OP.rpLoggedOutWithQuery + "&state=abc")
        let bare = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut)])
        #expect(bare.redirectLocation == OP.rpLoggedOut)
    }

    @Test(
        "a URI not registered exactly for the hint's client is never redirected to (§3)",
        arguments: [
            "https://rp.example.com/logged-out/", "https://rp.example.com/LOGGED-OUT", "https://rp.example.com/logged-ou",
            "https://rp.example.com/logged-out?x=1", "https://rp.example.com/logged-out#f", "https://evil.example/",
            "https://rp.example.com/cb", "http://rp.example.com/logged-out", "https://rp2.example.com/cb",
        ])
    func unregistered(uri: String) async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        let decision = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", uri), ("state", "x")])
        #expect(decision.isSignedOutPage && decision.redirectLocation == nil)
    }

    @Test("a URI registered for another client than the hint's is not redirected to")
    func otherClientsURI() async throws {
        let op = try OP()
        let rp2Hint = try await op.signIn(.rp2, session: op.session()).idToken
        let decision = await op.endSession([("id_token_hint", rp2Hint), ("post_logout_redirect_uri", OP.rpLoggedOut)])
        #expect(decision.isSignedOutPage)
        let claimed = await op.endSession([
            ("id_token_hint", rp2Hint), ("client_id", "rp"), ("post_logout_redirect_uri", OP.rpLoggedOut),
        ])
        #expect(claimed.isRefusal)
    }

    @Test("an expired hint still names the session and the client (§2, §4)")
    func expiredHint() async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        op.clock.advance(by: 86_400 * 30)
        let decision = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut)])
        #expect(decision.redirectLocation == OP.rpLoggedOut)
        #expect(decision.request?.sessionID == "session-1")
    }

    @Test("a hint this server did not issue is refused: other issuer, other key, altered, garbage")
    func foreignHints() async throws {
        let op = try OP()
        let other = try OP(issuer: "https://other.example.com")
        let otherIssuer = try await other.signIn(session: other.session()).idToken
        let good = try await op.signIn(session: op.session()).idToken
        let otherKey = try JWS.sign(
            try op.claims(good).serialized(), signer: try HS256Signer(key: Array(repeating: 7, count: 32), keyID: "k1"))
        var altered = Array(good)
        altered[altered.count - 3] = altered[altered.count - 3] == "A" ? "B" : "A"
        for hint in [otherIssuer, otherKey, String(altered), "not.a.jwt", "e30.e30."] {
            let decision = await op.endSession([("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut)])
            #expect(decision.isRefusal, "\(hint)")
        }
    }

    @Test("client_id must be the hint's (§2); the matching one is accepted")
    func clientIDConsistency() async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        #expect(await op.endSession([("id_token_hint", hint), ("client_id", "rp2")]).isRefusal)
        let matching = await op.endSession([
            ("id_token_hint", hint), ("client_id", "rp"), ("post_logout_redirect_uri", OP.rpLoggedOut),
        ])
        #expect(matching.redirectLocation == OP.rpLoggedOut)
    }

    @Test("without a hint the user is asked, and nothing is redirected, client_id or not (§2)")
    func noHint() async throws {
        let op = try OP()
        let decision = await op.endSession([
            ("client_id", "rp"), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "x"),
        ])
        #expect(decision.isConfirmation && decision.redirectLocation == nil)
        #expect(decision.request?.client == OP.rp.clientID)
        #expect(await op.endSession([]).isConfirmation)
    }

    @Test("a repeated parameter, another method, an oversized query are refused")
    func malformed() async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        #expect(await op.endSession([("id_token_hint", hint), ("id_token_hint", hint)]).isRefusal)
        #expect(await op.endSession([("state", "a"), ("state", "b")]).isRefusal)
        let put = OAuthRequest(method: .put, path: "/logout", query: nil)
        #expect(await op.server.endSession(put, currentSession: "session-1").isRefusal)
        let big = await op.endSession([("state", String(repeating: "x", count: 20_000))])
        #expect(big.isRefusal)
    }

    @Test(
        "a hint issued in another session than the host's, or with no session, asks the user first (§2)",
        arguments: [
            (SessionID?.none, true), (SessionID?.some("session-2"), true), (SessionID?.some("session-1"), true),
            (SessionID?.none, false), (SessionID?.some("session-2"), false), (SessionID?.some("session-1"), false),
        ])
    func hintFromAnotherSession(current: SessionID?, registeredURI: Bool) async throws {
        let op = try OP()
        let hint = try await op.signIn(session: op.session()).idToken
        let uri = registeredURI ? OP.rpLoggedOut : "https://rp.example.com/not-registered"
        let decision = await op.endSession(
            [("id_token_hint", hint), ("post_logout_redirect_uri", uri), ("state", "s")], currentSession: current)
        if current == "session-1" {
            #expect(registeredURI ? decision.redirectLocation == OP.rpLoggedOut + "?state=s" : decision.isSignedOutPage)
        } else {
            #expect(decision.isConfirmation && decision.redirectLocation == nil)
            // Once the user said yes: the registered URI only (§3).
            #expect(decision.confirmedRedirectLocation == (registeredURI ? OP.rpLoggedOut + "?state=s" : nil))
            #expect(decision.request?.sessionID == "session-1")
        }
    }

    @Test("a hint with no sid belongs to no session the host holds: the user is asked (§2)", arguments: [nil, "session-1"])
    func hintWithoutSession(current: SessionID?) async throws {
        let op = try OP()
        let hint = try await op.signIn(session: UserSession(subject: OP.alice, authTime: op.clock.now)).idToken
        let decision = await op.endSession(
            [("id_token_hint", hint), ("post_logout_redirect_uri", OP.rpLoggedOut)], currentSession: current)
        #expect(decision.isConfirmation && decision.request?.hint != nil && decision.request?.sessionID == nil)
        #expect(decision.confirmedRedirectLocation == OP.rpLoggedOut)
    }

    @Test(
        "with a signer that cannot verify (verifier nil), no hint is taken as ours: forged, alg none, or even genuine (§2)",
        arguments: ["genuine", "alg-none", "other-key", "no-signature"])
    func unverifiableHint(kind: String) async throws {
        let key = try HS256Signer(key: OP.key, keyID: "k1")
        let op = try OP(signsWith: SignOnlySigner(wrapped: key))
        let genuine = try await op.signIn(session: op.session()).idToken
        let claims = try op.claims(genuine)
        let forged: String
        switch kind {
        case "genuine": forged = genuine
        case "alg-none":
            forged = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + Base64URL.encode(try claims.serialized()) + "."
        case "other-key": forged = try JWT.sign(claims, signer: try HS256Signer(key: Array(repeating: 5, count: 32), keyID: "k1"))
        default:
            let dot = try #require(genuine.lastIndex(of: "."))
            forged = String(genuine[..<dot]) + ".AAAA"
        }
        let decision = await op.endSession(
            [("id_token_hint", forged), ("post_logout_redirect_uri", OP.rpLoggedOut), ("state", "s")])
        #expect(decision.isRefusal && decision.redirectLocation == nil && decision.confirmedRedirectLocation == nil)
        #expect(op.server.idTokenHint(forged) == nil)
    }

    @Test("no request redirects anywhere but a registered URI of the hint's client", arguments: 0..<100)
    func neverAnOpenRedirect(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let op = try OP()
        let rpHint = try await op.signIn(.rp, session: op.session()).idToken
        let rp2Hint = try await op.signIn(.rp2, session: op.session()).idToken
        let quietHint = try await op.signIn(.quiet, session: op.session()).idToken
        let hints: [String?] = [nil, rpHint, rp2Hint, quietHint, "x.y.z", String(rpHint.dropLast(2))]
        let uris: [String?] = [
            nil, OP.rpLoggedOut, OP.rpLoggedOutWithQuery, "https://evil.example/", OP.rpRedirect, OP.rp2BackChannel,
            OP.rpLoggedOut + "/", "",
        ]
        let clientIDs: [String?] = [nil, "rp", "rp2", "quiet", "unknown"]
        for _ in 0..<8 {
            let hint = hints[Int.random(in: 0..<hints.count, using: &random)]
            let uri = uris[Int.random(in: 0..<uris.count, using: &random)]
            let client = clientIDs[Int.random(in: 0..<clientIDs.count, using: &random)]
            op.clock.advance(by: .random(in: 0...7200, using: &random))
            let current: SessionID? = [nil, "session-1", "another"][Int.random(in: 0..<3, using: &random)]
            let decision = await op.endSession(
                [("id_token_hint", hint), ("client_id", client), ("post_logout_redirect_uri", uri), ("state", "s")],
                post: Bool.random(using: &random), currentSession: current)
            guard let location = decision.redirectLocation ?? decision.confirmedRedirectLocation else { continue }
            #expect(hint == rpHint, "seed \(seed): redirected with hint \(hint ?? "none")")
            #expect(location == OP.rpLoggedOut + "?state=s" || location == OP.rpLoggedOutWithQuery + "&state=s")
        }
    }
}
