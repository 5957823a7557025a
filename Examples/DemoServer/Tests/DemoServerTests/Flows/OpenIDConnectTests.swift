import Foundation
import Granted
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("OpenID Connect: hybrid, implicit, ID tokens and userinfo")
struct OpenIDConnectTests {
    static func request(_ responseType: String, nonce: String? = "n-0S6_WzA2Mj", mode: String? = nil) -> [(String, String)] {
        var request: [(String, String)] = [
            ("response_type", responseType), ("client_id", "demo-web"), ("redirect_uri", DemoHarness.webCallback),
            ("scope", "openid profile email"), ("state", "af0ifjsldkj"),
        ]
        if let nonce { request.append(("nonce", nonce)) }
        if let mode { request.append(("response_mode", mode)) }
        return request
    }

    @Test("hybrid code id_token: fragment, RS256 id_token verified with the JWKS, nonce, c_hash; code exchange")
    func hybrid() async throws {
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(Self.request("code id_token")))
            #expect(try #require(redirect.location).hasPrefix(DemoHarness.webCallback + "#"))
            let parameters = try redirect.redirectParameters(in: .fragment)
            #expect(parameters["state"] == "af0ifjsldkj")
            let code = try #require(parameters["code"])
            let jwks = try await client.get("/.well-known/jwks.json").json()
            let (header, claims) = try verifyRS256(try #require(parameters["id_token"]), jwks: jwks)
            #expect(header["typ"] == nil || header["typ"] as? String == "JWT")
            #expect(claims["iss"] as? String == DemoHarness.issuer)
            #expect(claims["sub"] as? String == DemoHarness.aliceSub)
            #expect(claims["aud"] as? String == "demo-web" || (claims["aud"] as? [String]) == ["demo-web"])
            #expect(claims["nonce"] as? String == "n-0S6_WzA2Mj")
            #expect(claims["c_hash"] as? String == leftHalfHash(code))
            #expect(claims["auth_time"] is Int)
            let exp = try #require(claims["exp"] as? Int)
            let iat = try #require(claims["iat"] as? Int)
            #expect(exp - iat == 3600)

            let tokens = try await client.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
                basic: ("demo-web", "demo-web-secret"))
            #expect(tokens.status == .ok)
            let (_, exchanged) = try verifyRS256(try tokens.string("id_token"), jwks: jwks)
            #expect(exchanged["nonce"] as? String == "n-0S6_WzA2Mj")
            // Back-Channel Logout 1.0 §2.1: the front-channel ID token and the exchanged one name the session.
            #expect((claims["sid"] as? String)?.isEmpty == false)
            #expect(exchanged["sid"] as? String == claims["sid"] as? String)
            // Core §5.4: with an access token issued, profile and email claims come from userinfo.
            #expect(exchanged["sub"] as? String == DemoHarness.aliceSub)

            let userinfo = try await client.get("/userinfo", headers: client.bearer(try tokens.string("access_token")))
            #expect(userinfo.status == .ok)
            let info = try userinfo.json()
            #expect(info["sub"] as? String == DemoHarness.aliceSub)
            #expect(info["preferred_username"] as? String == "alice")
            #expect(info["name"] as? String == "Alice Liddell")
            #expect(info["email"] as? String == "alice@example.com")
            #expect(info["email_verified"] as? Bool == true)
        }
    }

    @Test("hybrid without a nonce: invalid_request in the fragment, with state")
    func hybridNeedsNonce() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(authorizeURI(Self.request("code id_token", nonce: nil)))
            #expect(response.status == .seeOther)
            let parameters = try response.redirectParameters(in: .fragment)
            #expect(parameters["error"] == "invalid_request")
            #expect(parameters["state"] == "af0ifjsldkj")
        }
    }

    @Test("implicit token: an access token in the fragment, never a refresh token")
    func implicitToken() async throws {
        try await DemoHarness.run { client in
            var request = webCodeRequest
            request[0] = ("response_type", "token")
            let redirect = try await client.authorize(authorizeURI(request))
            #expect(try #require(redirect.location).hasPrefix(DemoHarness.webCallback + "#"))
            let parameters = try redirect.redirectParameters(in: .fragment)
            #expect(parameters["token_type"] == "Bearer")
            #expect(parameters["refresh_token"] == nil)
            #expect(parameters["state"] == "xyz")
            let user = try await client.get("/user", headers: client.bearer(try #require(parameters["access_token"])))
            #expect(user.status == .ok)
        }
    }

    @Test("id_token and id_token token for demo-web", arguments: ["id_token", "id_token token"])
    func implicitIDToken(responseType: String) async throws {
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(Self.request(responseType)))
            let parameters = try redirect.redirectParameters(in: .fragment)
            let jwks = try await client.get("/.well-known/jwks.json").json()
            let (_, claims) = try verifyRS256(try #require(parameters["id_token"]), jwks: jwks)
            #expect(claims["nonce"] as? String == "n-0S6_WzA2Mj")
            if let accessToken = parameters["access_token"] {
                #expect(claims["at_hash"] as? String == leftHalfHash(accessToken))
            } else {
                #expect(responseType == "id_token")
            }
        }
    }

    @Test("demo-spa may not use implicit: unauthorized_client")
    func spaNoImplicit() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(authorizeURI([
                ("response_type", "token"), ("client_id", "demo-spa"), ("redirect_uri", DemoHarness.spaCallback),
                ("state", "s1"),
            ]))
            let parameters = try response.redirectParameters(in: .fragment)
            #expect(parameters["error"] == "unauthorized_client")
            #expect(parameters["state"] == "s1")
        }
    }

    @Test("response_mode=form_post: an auto-submitting form to the redirect URI")
    func formPost() async throws {
        try await DemoHarness.run { client in
            let response = try await client.authorize(authorizeURI(Self.request("code id_token", mode: "form_post")))
            #expect(response.status == .ok)
            #expect(response.text.contains(#"action="http://127.0.0.1:8765/callback""#))
            #expect(response.text.contains(#"name="id_token""#) && response.text.contains(#"name="code""#))
        }
    }
}
