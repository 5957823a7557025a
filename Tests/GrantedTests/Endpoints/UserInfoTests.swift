import Foundation
import Testing

@testable import Granted

@Suite("UserInfo endpoint (OpenID Connect Core §5.3, §5.4; RFC 6750 §2, §3)")
struct UserInfoTests {
    typealias Authentication = OIDCProvider.Authentication
    typealias Call = OIDCProvider.UserInfoCall

    /// An access token alice granted `rp` for `scope`, from the code flow.
    static func accessToken(
        _ op: OIDCProvider, scope: String = "openid profile", user: Subject = OIDCProvider.alice
    )
        async throws -> String
    {
        let outcome = try await op.signIn(Authentication(responseType: "code", scope: scope), user: user)
        return try #require(outcome.accessToken)
    }

    @Test(
        "§5.3.1: GET with a bearer header, POST with a bearer header and POST with access_token in the form body (RFC 6750 §2.2) answer the same claims",
        arguments: Call.allCases)
    func presentations(call: Call) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = await op.userInfo(token, via: call)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let claims = try response.jsonObject()
        #expect(claims["sub"] as? String == OIDCProvider.alice.rawValue)
        #expect(claims["name"] as? String == "Alice Liddell")
        #expect(claims["preferred_username"] as? String == "alice")
        #expect(Set(claims.keys) == ["sub", "name", "preferred_username"])
    }

    @Test(
        "the bearer scheme is matched case-insensitively (RFC 9110 §11.1)", arguments: ["Bearer", "bearer", "BEARER"])
    func schemeCase(scheme: String) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = await op.server.userInfo(
            OAuthRequest(method: .get, path: "/userinfo", headers: ["Authorization": "\(scheme) \(token)"]))
        #expect(response.status == 200)
    }

    @Test(
        "§5.4: claims are released only as the scopes allow, sub always, other claims never",
        arguments: [
            "openid", "openid profile", "openid email", "openid address", "openid phone", "openid email phone",
            "openid profile email address phone",
        ])
    func claimsPerScope(scope: String) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op, scope: scope)
        let claims = try await op.userInfoClaims(token)
        #expect(Set(claims.keys) == OIDCScopeClaims.aliceClaims(for: scope))
        #expect(claims["groups"] == nil)
        if scope.contains("email") {
            #expect(claims["email"] as? String == "alice@example.com")
            #expect(claims["email_verified"] as? Bool == true)
        }
        if scope.contains("address") {
            // §5.1.1: address is a JSON object.
            let address = try #require(claims["address"] as? [String: Any])
            #expect(address["street_address"] as? String == "1 Rabbit Hole")
            #expect(address["country"] as? String == "GB")
        }
        if scope.contains("phone") {
            #expect(claims["phone_number"] as? String == "+44 1865 270000")
            #expect(claims["phone_number_verified"] as? Bool == false)
        }
    }

    @Test("§5.3.2: each user gets their own claims", arguments: [OIDCProvider.alice, OIDCProvider.bob])
    func perUser(user: Subject) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op, scope: "openid profile email", user: user)
        let claims = try await op.userInfoClaims(token)
        #expect(claims["sub"] as? String == user.rawValue)
        #expect(claims["preferred_username"] as? String == (user == OIDCProvider.alice ? "alice" : "bob"))
    }

    @Test(
        "§5.3.3: a token without openid is 403 insufficient_scope naming openid with the token's scopes (RFC 6750 §3.1)",
        arguments: Call.allCases)
    func withoutOpenID(call: Call) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op, scope: "profile email")
        let response = await op.userInfo(token, via: call)
        #expect(response.status == 403)
        #expect(response.errorCode == "insufficient_scope")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix("Bearer "))
        #expect(challenge.contains(#"error="insufficient_scope""#))
        #expect(challenge.contains(#"scope="email openid profile""#))
    }

    enum BadToken: String, CaseIterable, Sendable {
        case unknown, expired, revokedByTheUser, malformed
    }

    @Test(
        "§5.3.3: an unknown, expired, revoked or malformed token is 401 invalid_token with a challenge (RFC 6750 §3.1)",
        arguments: BadToken.allCases, [Call.get, .postHeader])
    func badToken(kind: BadToken, call: Call) async throws {
        let op = try OIDCProvider()
        var token = try await Self.accessToken(op)
        switch kind {
        case .unknown: token = "gat_" + String(repeating: "A", count: 43)
        case .expired: op.clock.advance(by: 14 * 24 * 3600 + 1)
        case .revokedByTheUser:
            #expect(try await op.server.revokeAuthorization(of: OIDCProvider.alice, for: OIDCProvider.rp.clientID))
        case .malformed: token = "gat_\u{7F}"
        }
        let response = await op.userInfo(token, via: call)
        let expectedStatus = kind == .malformed ? 400 : 401
        #expect(response.status == expectedStatus, "\(response.bodyText)")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix(#"Bearer realm="userinfo""#))
        #expect(challenge.contains(kind == .malformed ? #"error="invalid_request""# : #"error="invalid_token""#))
    }

    @Test(
        "§5.3.3: a bad token in the form body is 401 invalid_token too (RFC 6750 §2.2, §3.1)",
        arguments: [BadToken.unknown, .expired])
    func badBodyToken(kind: BadToken) async throws {
        let op = try OIDCProvider()
        var token = try await Self.accessToken(op)
        if kind == .unknown {
            token = "gat_" + String(repeating: "B", count: 43)
        } else {
            op.clock.advance(by: 14 * 24 * 3600 + 1)
        }
        let response = await op.userInfo(token, via: .postBody)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
    }

    @Test(
        "RFC 6750 §3.1: no token at all is 401 with a bare challenge, no error code",
        arguments: [
            OAuthRequest(method: .get, path: "/userinfo"),
            OAuthRequest(method: .post, path: "/userinfo"),
            OAuthRequest.form("/userinfo", "foo=bar"),
            OAuthRequest(method: .get, path: "/userinfo", headers: ["Authorization": "Basic cnA6cnAtc2VjcmV0"]),
        ])
    func noToken(request: OAuthRequest) async throws {
        let op = try OIDCProvider()
        let response = await op.server.userInfo(request)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="userinfo""#)
        #expect(response.errorCode == nil)
    }

    @Test("a client-credentials token names no user: 401 invalid_token even with openid (Core §5.3)")
    func clientCredentialsToken() async throws {
        let op = try OIDCProvider()
        let issued = await op.server.token(
            TestServer.tokenRequest(
                [("grant_type", "client_credentials"), ("scope", "openid")], basic: OIDCProvider.service))
        let token = try #require(try issued.jsonObject()["access_token"] as? String, "\(issued.bodyText)")
        for call in Call.allCases {
            let response = await op.userInfo(token, via: call)
            #expect(response.status == 401, "\(call)")
            #expect(response.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("RFC 6750 §2.3, RFC 9700 §4.3.2: a token in the query is refused")
    func tokenInQuery() async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = await op.server.userInfo(
            OAuthRequest(method: .get, path: "/userinfo", query: "access_token=" + token))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("RFC 6750 §2: a token in both the header and the body is invalid_request")
    func twoCredentials() async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = await op.server.userInfo(
            OAuthRequest.form(
                "/userinfo", FormEncoding.encode([("access_token", token)]),
                headers: ["Authorization": "Bearer \(token)"]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
    }

    @Test("§5.3.1: methods other than GET and POST are 405", arguments: [OAuthRequest.Method.put, .delete, .patch])
    func otherMethods(method: OAuthRequest.Method) async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = await op.server.userInfo(
            OAuthRequest(method: method, path: "/userinfo", headers: ["Authorization": "Bearer \(token)"]))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, POST")
    }

    @Test("handle routes /userinfo to the UserInfo endpoint")
    func routed() async throws {
        let op = try OIDCProvider()
        let token = try await Self.accessToken(op)
        let response = try #require(await op.server.handle(OIDCProvider.userInfoRequest(token)))
        #expect(response.status == 200)
        #expect(try response.jsonObject()["sub"] as? String == OIDCProvider.alice.rawValue)
    }
}
