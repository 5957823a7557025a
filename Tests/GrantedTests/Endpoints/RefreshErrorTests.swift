import Foundation
import Testing
@testable import Granted

/// Refresh token rules at the token endpoint (RFC 6749 §6; RFC 9700 §2.2.2, §4.14.2): scope,
/// client binding, rotation and reuse detection, the grace window and expiry.
@Suite("Refresh token errors (RFC 6749 §6; RFC 9700 §4.14.2)")
struct RefreshErrorTests {
    func expectInvalidGrant(_ response: OAuthResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 400, sourceLocation: sourceLocation)
        #expect(response.errorCode == "invalid_grant", "\(response.bodyText)", sourceLocation: sourceLocation)
    }

    static func policy(_ change: (inout Policy) -> Void) -> Policy {
        var policy = Policy()
        change(&policy)
        return policy
    }

    // MARK: Scope (§6)

    @Test(
        "a narrower scope, or the same, is granted (RFC 6749 §6)",
        arguments: ["public", "profile", "email public", "email profile public", "public public"])
    func narrowerScope(scope: String) async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn(scope: "public profile email")
        let refreshed = try CodeFlow.Tokens(await flow.refresh(try #require(tokens.refreshToken), scope: scope))
        let expected = try ScopeSet.parse(scope)
        #expect(refreshed.scope == expected.description)
        #expect(await flow.check(refreshed.accessToken).grant?.scopes == expected)
    }

    @Test(
        "a scope wider than the original grant is invalid_scope (RFC 6749 §6)",
        arguments: ["public profile email", "email", "public admin", "openid public"])
    func widerScope(scope: String) async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn(scope: "public profile")
        let refresh = try #require(tokens.refreshToken)
        let response = await flow.refresh(refresh, scope: scope)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_scope")
        #expect(await flow.refresh(refresh).status == 200, "a refused scope does not use up the token")
    }

    @Test("a scope wider than a previous narrowed refresh, within the original grant, is granted (RFC 6749 §6)")
    func wideningBackToOriginal() async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn(scope: "public profile")
        let narrowed = try CodeFlow.Tokens(await flow.refresh(try #require(tokens.refreshToken), scope: "public"))
        let restored = try CodeFlow.Tokens(
            await flow.refresh(try #require(narrowed.refreshToken), scope: "public profile"))
        #expect(restored.scope == "profile public")
    }

    @Test("a malformed scope is invalid_scope (RFC 6749 §3.3)", arguments: ["public  profile", "\"public\""])
    func malformedScope(scope: String) async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn(scope: "public profile")
        #expect(await flow.refresh(try #require(tokens.refreshToken), scope: scope).errorCode == "invalid_scope")
    }

    // MARK: Binding (§6)

    @Test("a refresh token presented by another client is invalid_grant and stays usable (RFC 6749 §6, §10.4)")
    func otherClient() async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn()
        let refresh = try #require(tokens.refreshToken)
        expectInvalidGrant(await flow.refresh(refresh, as: CodeFlow.other))
        expectInvalidGrant(await flow.refresh(refresh, as: CodeFlow.native))
        #expect(await flow.refresh(refresh).status == 200)
        #expect(await flow.verifies(tokens.accessToken))
    }

    @Test("an unknown refresh token, or an access token presented as one, is invalid_grant (RFC 6749 §5.2)")
    func unknownToken() async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn()
        expectInvalidGrant(await flow.refresh("grt_" + String(repeating: "A", count: 43)))
        expectInvalidGrant(await flow.refresh(tokens.accessToken))
    }

    @Test("a missing refresh_token is invalid_request (RFC 6749 §6)")
    func missingToken() async {
        let response = await CodeFlow().server.token(CodeFlow.web.tokenRequest([("grant_type", "refresh_token")]))
        #expect(response.errorCode == "invalid_request")
    }

    @Test("a client without the refresh_token grant is unauthorized_client (RFC 6749 §5.2)")
    func clientWithoutRefreshGrant() async throws {
        let flow = CodeFlow()
        let tokens = try await flow.signIn()
        let response = await flow.refresh(try #require(tokens.refreshToken), as: .basic(CodeFlow.codeOnlyApp))
        #expect(response.errorCode == "unauthorized_client")
    }

    // MARK: Rotation and reuse (RFC 9700 §4.14.2)

    @Test("reusing a rotated-out refresh token revokes the family, its refresh and access tokens (RFC 9700 §4.14.2)")
    func reuseRevokesFamily() async throws {
        let flow = CodeFlow()
        let first = try await flow.signIn()
        let old = try #require(first.refreshToken)
        let second = try CodeFlow.Tokens(await flow.refresh(old))
        let current = try #require(second.refreshToken)

        expectInvalidGrant(await flow.refresh(old))
        #expect(await !flow.verifies(first.accessToken))
        #expect(await !flow.verifies(second.accessToken))
        expectInvalidGrant(await flow.refresh(current))
    }

    @Test("reuse of any older generation revokes the family (RFC 9700 §4.14.2)", arguments: [0, 1, 2])
    func reuseOfAnyGeneration(generation: Int) async throws {
        let flow = CodeFlow()
        var tokens = try await flow.signIn()
        var refreshTokens = [try #require(tokens.refreshToken)]
        for _ in 0..<3 {
            tokens = try CodeFlow.Tokens(await flow.refresh(try #require(refreshTokens.last)))
            refreshTokens.append(try #require(tokens.refreshToken))
        }
        expectInvalidGrant(await flow.refresh(refreshTokens[generation]))
        #expect(await !flow.verifies(tokens.accessToken))
        expectInvalidGrant(await flow.refresh(try #require(refreshTokens.last)))
    }

    @Test("reuse in one family leaves the user's other families alone (RFC 9700 §4.14.2)")
    func reuseLeavesOtherFamilies() async throws {
        let flow = CodeFlow()
        let victim = try await flow.signIn()
        let bystander = try await flow.signIn()
        let old = try #require(victim.refreshToken)
        _ = try CodeFlow.Tokens(await flow.refresh(old))
        expectInvalidGrant(await flow.refresh(old))
        #expect(await flow.verifies(bystander.accessToken))
        #expect(await flow.refresh(try #require(bystander.refreshToken)).status == 200)
    }

    @Test("a public client always rotates, even with policy.rotatesRefreshTokens = false (RFC 9700 §2.2.2, §4.14.2)")
    func publicClientAlwaysRotates() async throws {
        let flow = CodeFlow(policy: Self.policy { $0.rotatesRefreshTokens = false })
        let first = try await flow.signInNative()
        let old = try #require(first.refreshToken)
        let second = try CodeFlow.Tokens(await flow.refresh(old, as: CodeFlow.native))
        let current = try #require(second.refreshToken)
        #expect(current != old)
        expectInvalidGrant(await flow.refresh(old, as: CodeFlow.native))
        #expect(await !flow.verifies(second.accessToken))
        expectInvalidGrant(await flow.refresh(current, as: CodeFlow.native))
    }

    @Test("without rotation a confidential client's token keeps working and is never seen as reuse (RFC 6749 §6)")
    func confidentialWithoutRotation() async throws {
        let flow = CodeFlow(policy: Self.policy { $0.rotatesRefreshTokens = false })
        let first = try await flow.signIn()
        let refresh = try #require(first.refreshToken)
        for _ in 0..<3 {
            let tokens = try CodeFlow.Tokens(await flow.refresh(refresh))
            #expect(tokens.refreshToken == nil || tokens.refreshToken == refresh)
        }
        #expect(await flow.verifies(first.accessToken))
    }

    // MARK: Grace window

    @Test(
        "within the grace window the previous token may be retried once; a second retry revokes (RFC 9700 §4.14.2)",
        arguments: [0, 5, 9])
    func graceRetry(afterSeconds seconds: Int) async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenGracePeriod = 10 })
        let first = try await flow.signIn()
        let old = try #require(first.refreshToken)
        let lost = try CodeFlow.Tokens(await flow.refresh(old))
        flow.clock.advance(by: TimeInterval(seconds))

        let retried = try CodeFlow.Tokens(await flow.refresh(old))
        let current = try #require(retried.refreshToken)
        #expect(await flow.verifies(retried.accessToken))
        // The retry answers the token the lost answer carried (outside review 11).
        #expect(current == lost.refreshToken)

        expectInvalidGrant(await flow.refresh(old))
        #expect(await !flow.verifies(retried.accessToken))
        expectInvalidGrant(await flow.refresh(current))
    }

    @Test("after a grace retry the token of the lost answer is the current one, not stale (RFC 9700 §4.14.2)")
    func graceRetryKeepsLostToken() async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenGracePeriod = 10 })
        let old = try #require(try await flow.signIn().refreshToken)
        let lost = try #require(try CodeFlow.Tokens(await flow.refresh(old)).refreshToken)
        let retried = try CodeFlow.Tokens(await flow.refresh(old))
        #expect(retried.refreshToken == lost)
        let next = try CodeFlow.Tokens(await flow.refresh(lost))
        #expect(await flow.verifies(retried.accessToken))
        #expect(await flow.verifies(next.accessToken))
    }

    @Test("the grace retry continues the chain: its new token works normally (RFC 9700 §4.14.2)")
    func graceRetryContinues() async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenGracePeriod = 10 })
        let old = try #require(try await flow.signIn().refreshToken)
        _ = try CodeFlow.Tokens(await flow.refresh(old))
        let retried = try CodeFlow.Tokens(await flow.refresh(old))
        let next = try CodeFlow.Tokens(await flow.refresh(try #require(retried.refreshToken)))
        #expect(await flow.verifies(next.accessToken))
    }

    @Test(
        "at or after the grace window the previous token is reuse and revokes (RFC 9700 §4.14.2)",
        arguments: [10, 11, 3600])
    func afterGraceWindow(afterSeconds seconds: Int) async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenGracePeriod = 10 })
        let old = try #require(try await flow.signIn().refreshToken)
        let second = try CodeFlow.Tokens(await flow.refresh(old))
        flow.clock.advance(by: TimeInterval(seconds))
        expectInvalidGrant(await flow.refresh(old))
        #expect(await !flow.verifies(second.accessToken))
        expectInvalidGrant(await flow.refresh(try #require(second.refreshToken)))
    }

    @Test("with no grace window (the default) an immediate retry is reuse (RFC 9700 §4.14.2)")
    func noGraceByDefault() async throws {
        let flow = CodeFlow()
        let old = try #require(try await flow.signIn().refreshToken)
        _ = try CodeFlow.Tokens(await flow.refresh(old))
        expectInvalidGrant(await flow.refresh(old))
    }

    // MARK: Expiry

    @Test(
        "a refresh token unused for policy.refreshTokenIdleLifetime stops working (RFC 9700 §4.14.2)",
        arguments: [(3599, true), (3600, false), (7200, false)])
    func idleExpiry(afterSeconds seconds: Int, works: Bool) async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenIdleLifetime = 3600 })
        let refresh = try #require(try await flow.signIn().refreshToken)
        flow.clock.advance(by: TimeInterval(seconds))
        let response = await flow.refresh(refresh)
        if works { #expect(response.status == 200) } else { expectInvalidGrant(response) }
    }

    @Test("each use restarts the idle clock (RFC 9700 §4.14.2)")
    func idleClockRestarts() async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenIdleLifetime = 3600 })
        var refresh = try #require(try await flow.signIn().refreshToken)
        for _ in 0..<5 {
            flow.clock.advance(by: 3000)
            refresh = try #require(try CodeFlow.Tokens(await flow.refresh(refresh)).refreshToken)
        }
        flow.clock.advance(by: 3600)
        expectInvalidGrant(await flow.refresh(refresh))
    }

    @Test(
        "policy.refreshTokenLifetime ends the family that long after the code, however it is used (RFC 6749 §6)",
        arguments: [(86_399, true), (86_400, false)])
    func absoluteLifetime(afterSeconds seconds: Int, works: Bool) async throws {
        let flow = CodeFlow(policy: Self.policy { $0.refreshTokenLifetime = 86_400 })
        var refresh = try #require(try await flow.signIn().refreshToken)
        flow.clock.advance(by: 40_000)
        refresh = try #require(try CodeFlow.Tokens(await flow.refresh(refresh)).refreshToken)
        flow.clock.advance(by: TimeInterval(seconds - 40_000))
        let response = await flow.refresh(refresh)
        if works { #expect(response.status == 200) } else { expectInvalidGrant(response) }
    }

    @Test("refresh tokens do not expire by default (Policy)")
    func noExpiryByDefault() async throws {
        let flow = CodeFlow()
        let refresh = try #require(try await flow.signIn().refreshToken)
        flow.clock.advance(by: 3 * 365 * 24 * 3600)
        #expect(await flow.refresh(refresh).status == 200)
    }

    // MARK: Where refresh tokens never come from

    @Test("client credentials never yield a refresh token (RFC 6749 §4.4.3)")
    func noRefreshTokenForClientCredentials() async throws {
        let flow = CodeFlow()
        let response = await flow.server.token(TestServer.clientCredentials())
        let tokens = try CodeFlow.Tokens(response)
        #expect(tokens.refreshToken == nil)
        #expect(!tokens.members.contains("refresh_token"))
    }

    @Test("the implicit grant never yields a refresh token (RFC 6749 §4.2.2)")
    func noRefreshTokenForImplicit() async throws {
        let flow = CodeFlow()
        let redirect = try await flow.approve([
            ("response_type", "token"), ("client_id", CodeFlow.implicitApp.rawValue),
            ("redirect_uri", CodeFlow.implicitRedirect), ("state", CodeFlow.state),
        ])
        #expect(redirect["access_token"] != nil)
        #expect(!redirect.names.contains("refresh_token"))
    }
}
