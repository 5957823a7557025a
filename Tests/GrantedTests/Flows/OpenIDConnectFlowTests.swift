import Foundation
import Testing

@testable import Granted

@Suite("OpenID Connect, end to end (Core §3.1 code, §3.2 implicit, §3.3 hybrid)")
struct OpenIDConnectFlowTests {
    typealias Authentication = OIDCProvider.Authentication

    @Test(
        "every response type delivers exactly its parts in its mode, and every ID token validates (Core §3; Multiple Response Types §2.1, §5; Form Post §2)",
        arguments: OIDCProvider.responseTypes, [nil, "fragment", "form_post"] as [String?])
    func everyResponseType(responseType: String, mode: String?) async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: responseType, responseMode: mode))
        let idToken = try #require(outcome.idToken)
        #expect(idToken.subject == OIDCProvider.alice.rawValue)

        if responseType.contains("code") {
            // RFC 6749 §4.1.4: the code grant gives this client a refresh token; §4.2.2: implicit never does.
            #expect(outcome.refreshToken != nil)
            #expect(outcome.tokens?.tokenType == "Bearer")
        } else {
            #expect(outcome.tokens == nil)
        }
        // Every access token the flow produced works at userinfo, for the ID token's subject (Core §5.3.2).
        for token in [outcome.frontAccessToken, outcome.tokens?.accessToken].compactMap({ $0 }) {
            let claims = try await op.userInfoClaims(token)
            #expect(claims["sub"] as? String == idToken.subject)
        }
        if mode == "form_post" {
            #expect(outcome.redirect.response.status == 200)
            #expect(outcome.redirect.response.headers["Location"] == nil, "nothing of the response in a URL")
        } else {
            let location = try #require(outcome.redirect.response.headers["Location"])
            if outcome.redirect.mode == .fragment {
                #expect(!location.contains("?"), "tokens and codes never reach the query")
            }
        }
    }

    @Test(
        "the ID token is a JWT with HS256 and kid k1, aud and azp the client, exp one hour after iat (Core §2; RFC 7515 §4.1.4)"
    )
    func idTokenShape() async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: "code"))
        let raw = try #require(outcome.tokens?.idToken)
        let header = try #require(JWS.parse(raw)?.header)
        #expect(header.algorithm == .hs256)
        #expect(header.keyID == OIDCProvider.keyID)
        #expect(header.type == "JWT")
        let claims = try #require(outcome.backIDToken)
        #expect(claims.issuer == OIDCProvider.issuer)
        #expect(claims.audience == [OIDCProvider.rp.clientID.rawValue])
        #expect(claims.authorizedParty == OIDCProvider.rp.clientID.rawValue)
        #expect(claims.issuedAt == op.clock.now)
        #expect(claims.expiresAt == op.clock.now + 3600)
        #expect(claims.authTime == op.clock.now)
        #expect(claims.nonce == "n-0S6_WzA2Mj")
        let accessToken = try #require(outcome.tokens?.accessToken)
        #expect(claims.accessTokenHash == IDTokenValidator.leftHalfHash(accessToken))
    }

    @Test(
        "the subject is the host's UUID for the user who signed in, and differs between users (Core §2 sub)",
        arguments: [OIDCProvider.alice, OIDCProvider.bob])
    func subjectIsTheUser(user: Subject) async throws {
        let op = try OIDCProvider()
        for responseType in ["code", "id_token"] {
            let outcome = try await op.signIn(Authentication(responseType: responseType), user: user)
            #expect(outcome.idToken?.subject == user.rawValue)
            #expect(UUID(uuidString: outcome.idToken?.subject ?? "") != nil)
        }
    }

    @Test("a code request without nonce gets an ID token without nonce (Core §3.1.2.1, §2)")
    func codeFlowWithoutNonce() async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: "code", nonce: nil))
        #expect(outcome.backIDToken?.nonce == nil)
    }

    @Test(
        "max_age puts auth_time, the time of the sign-in, in every ID token (Core §3.1.2.1, §2)",
        arguments: OIDCProvider.responseTypes)
    func maxAgeGivesAuthTime(responseType: String) async throws {
        let op = try OIDCProvider()
        let signedInAt = op.clock.now
        var session: UserSession?
        let authentication = Authentication(responseType: responseType, maxAge: 600)
        let run = try await op.host(authentication, session: &session)
        op.clock.advance(by: 5)  // the client receives it a little later
        let outcome = try await op.finish(run.redirect, for: authentication)
        for claims in [outcome.frontIDToken, outcome.backIDToken].compactMap({ $0 }) {
            #expect(claims.authTime == signedInAt)
        }
    }

    @Test(
        "an id_token-only response carries the claims its scopes release; with an access token they stay at userinfo (Core §5.4, §5.5)",
        arguments: [
            "openid", "openid profile", "openid email", "openid address", "openid phone",
            "openid profile email address phone",
        ])
    func claimsInIDToken(scope: String) async throws {
        let op = try OIDCProvider()
        let implicit = try await op.signIn(Authentication(responseType: "id_token", scope: scope))
        let idToken = try #require(implicit.frontIDToken)
        #expect(OIDCScopeClaims.userClaims(in: idToken) == OIDCScopeClaims.aliceClaims(for: scope))
        #expect(idToken.userClaim("groups") == nil)
        if scope.contains("profile") { #expect(idToken.userClaim("name") as? String == "Alice Liddell") }
        if scope.contains("email") { #expect(idToken.userClaim("email_verified") as? Bool == true) }
        if scope.contains("address") {
            let address = try #require(idToken.userClaim("address") as? [String: Any])
            #expect(address["locality"] as? String == "Oxford")
        }

        for responseType in ["code", "id_token token", "code token", "code id_token token"] {
            let outcome = try await op.signIn(Authentication(responseType: responseType, scope: scope))
            for idToken in [outcome.frontIDToken, outcome.backIDToken].compactMap({ $0 }) {
                #expect(OIDCScopeClaims.userClaims(in: idToken) == ["sub"], "\(responseType): \(idToken.extraClaims)")
            }
            let userInfo = try await op.userInfoClaims(try #require(outcome.accessToken))
            #expect(Set(userInfo.keys) == OIDCScopeClaims.aliceClaims(for: scope))
        }
    }

    @Test(
        "code id_token results in an access token, so the front-channel ID token carries no scope claims: they come from userinfo (Core §5.4)",
        arguments: ["openid profile", "openid profile email address phone"])
    func hybridFrontIDTokenWithoutClaims(scope: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: "code id_token", scope: scope))
        let front = try #require(outcome.frontIDToken)
        #expect(
            OIDCScopeClaims.userClaims(in: front) == ["sub"],
            "personal claims in the URL fragment: \(front.extraClaims.map(\.name))")
        #expect(front.userClaim("name") == nil)
        let userInfo = try await op.userInfoClaims(try #require(outcome.accessToken))
        #expect(Set(userInfo.keys) == OIDCScopeClaims.aliceClaims(for: scope))
    }

    @Test(
        "nonce and state come back byte for byte, whatever characters they hold (Core §3.1.2.1, §2; RFC 6749 §4.1.2)",
        arguments: [
            "n-0S6_WzA2Mj", #"quote " backslash \ slash /"#, "ünïcødé 😀 \u{2028}", "<script>&amp;</script>",
            String(repeating: "n", count: 512),
        ])
    func oddNonceAndState(value: String) async throws {
        let op = try OIDCProvider()
        for responseType in ["code", "code id_token token", "id_token"] {
            for mode in [nil, "form_post"] as [String?] {
                let outcome = try await op.signIn(
                    Authentication(responseType: responseType, state: value, nonce: value, responseMode: mode))
                #expect(outcome.redirect["state"] == value)
                #expect(outcome.idToken?.nonce == value)  // and the validator compared it too
            }
        }
    }

    @Test("claims are JSON-escaped in the ID token and at userinfo, and read back exactly (Core §5.1; RFC 8259 §7)")
    func claimEscaping() async throws {
        let op = try OIDCProvider()
        let name = OIDCProvider.Directory.bobsName
        let implicit = try await op.signIn(
            Authentication(responseType: "id_token", scope: "openid profile"), user: OIDCProvider.bob)
        #expect(implicit.frontIDToken?.userClaim("name") as? String == name)
        let code = try await op.signIn(
            Authentication(responseType: "code", scope: "openid profile"), user: OIDCProvider.bob)
        let claims = try await op.userInfoClaims(try #require(code.accessToken))
        #expect(claims["name"] as? String == name)
    }

    @Test(
        "a public client allowed only the implicit grant gets ID tokens from the authorization endpoint (Core §3.2)",
        arguments: ["id_token", "id_token token"])
    func publicImplicitClient(responseType: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(.of(OIDCProvider.spa, responseType: responseType))
        #expect(outcome.frontIDToken?.audience == [OIDCProvider.spa.rawValue])
        #expect(outcome.code == nil)
    }

    @Test("an ID token delivered by form_post survives HTML escaping byte for byte (Form Post Response Mode §2)")
    func formPostKeepsTheIDToken() async throws {
        let op = try OIDCProvider()
        let state = #"<"&'> state"#
        let outcome = try await op.signIn(
            Authentication(responseType: "code id_token token", state: state, responseMode: "form_post"))
        #expect(outcome.redirect["state"] == state)
        #expect(outcome.frontIDToken != nil)
    }

    // MARK: Refresh (Core §12)

    @Test(
        "a refresh with openid returns a new ID token: same iss, sub, aud, azp, auth_time, a later iat, no nonce (Core §12.2)",
        arguments: OIDCProvider.codeResponseTypes)
    func refreshGivesNewIDToken(responseType: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: responseType, maxAge: 3600))
        let original = try #require(outcome.backIDToken)
        #expect(original.nonce == "n-0S6_WzA2Mj")
        op.clock.advance(by: 60)
        let (tokens, refreshed) = try await op.refreshValidated(try #require(outcome.refreshToken), original: original)
        #expect(refreshed.subject == original.subject)
        #expect(refreshed.nonce == nil)
        #expect(refreshed.authTime == original.authTime)
        #expect(try #require(refreshed.issuedAt) > (try #require(original.issuedAt)))
        #expect(refreshed.accessTokenHash == IDTokenValidator.leftHalfHash(tokens.accessToken))

        // And again, from the rotated refresh token.
        op.clock.advance(by: 60)
        let rotated = try #require(tokens.refreshToken)
        let (_, second) = try await op.refreshValidated(rotated, original: original)
        #expect(second.subject == original.subject)
    }

    @Test("a refresh that narrows the scope to drop openid returns no ID token (Core §12.1; RFC 6749 §6)")
    func refreshWithoutOpenID() async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: "code", scope: "openid profile"))
        let tokens = try OIDCProvider.Tokens(await op.refresh(try #require(outcome.refreshToken), scope: "profile"))
        #expect(tokens.idToken == nil)
        #expect(tokens.scope == "profile")
        // Its access token no longer reaches userinfo (Core §5.3: the openid scope is required).
        #expect(await op.userInfo(tokens.accessToken).status == 403)
    }

    @Test("a code request without openid is plain OAuth: no ID token anywhere (Core §3.1.2.1)")
    func withoutOpenIDNoIDToken() async throws {
        let op = try OIDCProvider()
        let outcome = try await op.signIn(Authentication(responseType: "code", scope: "profile"))
        #expect(outcome.tokens?.idToken == nil)
        #expect(outcome.tokens?.members.contains("id_token") == false)
        let refreshed = try OIDCProvider.Tokens(await op.refresh(try #require(outcome.refreshToken)))
        #expect(refreshed.idToken == nil)
    }
}
