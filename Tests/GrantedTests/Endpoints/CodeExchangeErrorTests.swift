import Foundation
import Testing
@testable import Granted

/// Every way a code exchange fails (RFC 6749 §4.1.3, §5.2; RFC 7636 §4.6): `invalid_grant`, and
/// a replay also revokes what the first redemption issued (§4.1.2, §10.5).
@Suite("Code exchange errors (RFC 6749 §4.1.3, §5.2; RFC 7636 §4.6)")
struct CodeExchangeErrorTests {
    let flow = CodeFlow()

    func expectInvalidGrant(_ response: OAuthResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 400, sourceLocation: sourceLocation)
        #expect(response.errorCode == "invalid_grant", "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.isNotCacheable, sourceLocation: sourceLocation)
    }

    @Test("a code redeemed by another client is invalid_grant (RFC 6749 §4.1.3)")
    func wrongClient() async throws {
        let code = try await flow.code()
        expectInvalidGrant(await flow.exchange(code, as: CodeFlow.other))
        expectInvalidGrant(await flow.exchange(code, as: CodeFlow.other, redirectURI: CodeFlow.otherAppRedirect))
        #expect(await flow.exchange(code).status == 200, "the other client's attempt must not burn the code")
    }

    @Test(
        "a code is redeemable only before its 30 seconds are up (RFC 6749 §4.1.2, §4.1.3)",
        arguments: [0, 1, 29, 30, 31, 600])
    func expiry(afterSeconds seconds: Int) async throws {
        let code = try await flow.code()
        flow.clock.advance(by: TimeInterval(seconds))
        let response = await flow.exchange(code)
        if seconds < 30 {
            #expect(response.status == 200, "\(response.bodyText)")
        } else {
            expectInvalidGrant(response)
        }
    }

    @Test("policy.authorizationCodeLifetime sets the code's lifetime (RFC 6749 §4.1.2)")
    func lifetimeFromPolicy() async throws {
        var policy = Policy()
        policy.authorizationCodeLifetime = 120
        let flow = CodeFlow(policy: policy)
        let early = try await flow.code()
        let late = try await flow.code()
        flow.clock.advance(by: 119)
        #expect(await flow.exchange(early).status == 200)
        flow.clock.advance(by: 1)
        expectInvalidGrant(await flow.exchange(late))
    }

    @Test("a verifier that does not match the challenge is invalid_grant (RFC 7636 §4.6)",
        arguments: [
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "short", String(repeating: "a", count: 129), "dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk",
        ])
    func wrongVerifier(verifier: String) async throws {
        let code = try await flow.code(try CodeFlow.nativeCodeRequest())
        expectInvalidGrant(
            await flow.exchange(code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect, verifier: verifier))
    }

    @Test("a missing verifier when a challenge was sent is invalid_grant (RFC 7636 §4.6)")
    func missingVerifier() async throws {
        let code = try await flow.code(try CodeFlow.nativeCodeRequest())
        expectInvalidGrant(await flow.exchange(code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect))
    }

    @Test("a verifier without a challenge is a PKCE downgrade: invalid_grant (RFC 9700 §2.1.1)")
    func verifierWithoutChallenge() async throws {
        let code = try await flow.code()
        expectInvalidGrant(await flow.exchange(code, verifier: try PKCEVector.rfc7636().verifier))
    }

    @Test(
        "a redirect_uri that differs from the authorization request's, or is missing, is invalid_grant (RFC 6749 §4.1.3)",
        arguments: [
            nil, "https://app.example.com/callback/", "https://evil.example.com/callback", CodeFlow.otherAppRedirect,
        ] as [String?])
    func redirectURIMismatch(redirectURI: String?) async throws {
        let code = try await flow.code()
        expectInvalidGrant(await flow.exchange(code, redirectURI: redirectURI))
    }

    @Test("an unknown or malformed code is invalid_grant (RFC 6749 §5.2)",
        arguments: ["gac_unknown", "x", "gac_" + String(repeating: "A", count: 43)])
    func unknownCode(code: String) async {
        expectInvalidGrant(await flow.exchange(code))
    }

    @Test("a missing code is invalid_request (RFC 6749 §4.1.3, §5.2)")
    func missingCode() async {
        let response = await flow.server.token(
            CodeFlow.web.tokenRequest([
                ("grant_type", "authorization_code"), ("redirect_uri", CodeFlow.webAppRedirect),
            ]))
        #expect(response.errorCode == "invalid_request")
    }

    @Test("a refresh token or access token presented as a code is invalid_grant (RFC 6749 §4.1.3)")
    func otherSecretAsCode() async throws {
        let tokens = try await flow.signIn()
        expectInvalidGrant(await flow.exchange(tokens.accessToken))
        expectInvalidGrant(await flow.exchange(try #require(tokens.refreshToken)))
    }

    @Test("a second redemption is invalid_grant and revokes the first one's tokens (RFC 6749 §4.1.2, §10.5)")
    func replayRevokes() async throws {
        let code = try await flow.code()
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        #expect(await flow.verifies(tokens.accessToken))
        flow.clock.advance(by: 5)

        expectInvalidGrant(await flow.exchange(code))
        let decision = await flow.check(tokens.accessToken)
        #expect(decision.grant == nil)
        #expect(decision.response?.status == 401)
        #expect(decision.response?.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        expectInvalidGrant(await flow.refresh(try #require(tokens.refreshToken)))
    }

    @Test(
        "a replay after the code expired still revokes the first redemption's tokens (RFC 6749 §4.1.2, §10.5)",
        arguments: [30, 31, 3600, 14 * 24 * 3600 - 1])
    func replayAfterExpiryRevokes(afterSeconds seconds: Int) async throws {
        let code = try await flow.code()
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        flow.clock.advance(by: TimeInterval(seconds))
        #expect(await flow.verifies(tokens.accessToken))
        expectInvalidGrant(await flow.exchange(code))
        #expect(await !flow.verifies(tokens.accessToken))
        expectInvalidGrant(await flow.refresh(try #require(tokens.refreshToken)))
    }

    @Test("a replay revokes the whole family, including tokens refreshed since (RFC 6749 §4.1.2; RFC 9700 §4.14.2)")
    func replayRevokesRefreshedTokens() async throws {
        let code = try await flow.code()
        let first = try CodeFlow.Tokens(await flow.exchange(code))
        let second = try CodeFlow.Tokens(await flow.refresh(try #require(first.refreshToken)))
        expectInvalidGrant(await flow.exchange(code))
        #expect(await !flow.verifies(first.accessToken))
        #expect(await !flow.verifies(second.accessToken))
        expectInvalidGrant(await flow.refresh(try #require(second.refreshToken)))
    }

    @Test("a public client's replay with the right verifier is refused and revokes too (RFC 6749 §4.1.2; RFC 7636 §4.6)")
    func publicClientReplay() async throws {
        let vector = try PKCEVector.rfc7636()
        let code = try await flow.code(try CodeFlow.nativeCodeRequest())
        let exchange = {
            await flow.exchange(
                code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect, verifier: vector.verifier)
        }
        let tokens = try CodeFlow.Tokens(await exchange())
        expectInvalidGrant(await exchange())
        #expect(await !flow.verifies(tokens.accessToken))
    }

    @Test("a replay does not touch the user's other grants (RFC 6749 §4.1.2)")
    func replayLeavesOtherFamilies() async throws {
        let code = try await flow.code()
        _ = try CodeFlow.Tokens(await flow.exchange(code))
        let other = try await flow.signIn()
        expectInvalidGrant(await flow.exchange(code))
        #expect(await flow.verifies(other.accessToken))
        #expect(await flow.refresh(try #require(other.refreshToken)).status == 200)
    }

    @Test(
        "a failed binding check does not burn the code (RFC 6749 §4.1.3; RFC 7636 §4.6)",
        arguments: ["wrong verifier", "no verifier", "wrong redirect_uri", "no redirect_uri", "other client"])
    func failedCheckKeepsCode(failure: String) async throws {
        let vector = try PKCEVector.rfc7636()
        let code = try await flow.code(CodeFlow.codeRequest(challenge: vector.challenge))
        let attempt: OAuthResponse
        switch failure {
        case "wrong verifier":
            attempt = await flow.exchange(code, verifier: String(repeating: "x", count: 43))
        case "no verifier":
            attempt = await flow.exchange(code)
        case "wrong redirect_uri":
            attempt = await flow.exchange(code, redirectURI: CodeFlow.otherAppRedirect, verifier: vector.verifier)
        case "no redirect_uri":
            attempt = await flow.exchange(code, redirectURI: nil, verifier: vector.verifier)
        default:
            attempt = await flow.exchange(
                code, as: CodeFlow.other, redirectURI: CodeFlow.otherAppRedirect, verifier: vector.verifier)
        }
        expectInvalidGrant(attempt)
        let tokens = try CodeFlow.Tokens(await flow.exchange(code, verifier: vector.verifier))
        #expect(await flow.verifies(tokens.accessToken))
    }

    @Test("an expired code stays expired and is not a replay: nothing is revoked (RFC 6749 §4.1.2)")
    func expiredIsNotReplay() async throws {
        let tokens = try await flow.signIn()
        let code = try await flow.code()
        flow.clock.advance(by: 31)
        expectInvalidGrant(await flow.exchange(code))
        expectInvalidGrant(await flow.exchange(code))
        #expect(await flow.verifies(tokens.accessToken))
    }

    @Test("a client not allowed the code grant is unauthorized_client (RFC 6749 §5.2)")
    func clientWithoutCodeGrant() async throws {
        let code = try await flow.code()
        let response = await flow.exchange(code, as: .basic(TestServer.service))
        #expect(response.errorCode == "unauthorized_client")
        #expect(await flow.exchange(code).status == 200)
    }

    @Test("a confidential client that fails authentication is invalid_client and the code survives (RFC 6749 §5.2)")
    func badSecret() async throws {
        let code = try await flow.code()
        let response = await flow.exchange(
            code, as: .basic(BasicCredentials(clientID: CodeFlow.webApp.clientID, secret: "wrong")))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        #expect(await flow.exchange(code).status == 200)
    }

    @Test("a confidential client cannot pose as public by sending only client_id (RFC 6749 §3.2.1)")
    func confidentialWithoutSecret() async throws {
        let code = try await flow.code()
        let response = await flow.exchange(code, as: .publicClient(CodeFlow.webApp.clientID))
        #expect(response.errorCode == "invalid_client")
    }
}
