import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted
import GrantedTesting

/// Ending a session (Back-Channel Logout 1.0 §2.4-§2.7; RP-Initiated Logout 1.0 §2): the
/// deliveries, their logout tokens, and what stops working.
@Suite("Back-Channel Logout: sign-out")
struct SignOutFlowTests {
    typealias OP = SignOutProvider

    @Test("sign-out answers one delivery per client with a back-channel URI the session signed in to")
    func deliveries() async throws {
        let op = try OP()
        let session = op.session()
        for client in [BasicCredentials.rp, .rp2, .quiet, .rp] { _ = try await op.signIn(client, session: session) }
        _ = try await op.signIn(.rp2, session: op.session(id: "another"))
        let signOut = try await op.server.signOut("session-1")
        #expect(signOut.session == "session-1")
        #expect(signOut.deliveries.map(\.client) == [OP.rp.clientID, OP.rp2.clientID])
        #expect(signOut.deliveries.map(\.uri) == [OP.rpBackChannel, OP.rp2BackChannel])
        #expect(signOut.deliveries.allSatisfy { String(decoding: $0.body, as: UTF8.self) == "logout_token=" + $0.logoutToken })
    }

    @Test("each logout token has every required claim, typ logout+jwt, the event, and no nonce (§2.4)")
    func logoutTokenClaims() async throws {
        let op = try OP()
        let session = op.session()
        _ = try await op.signIn(.rp, session: session)
        _ = try await op.signIn(.rp2, session: session)
        let deliveries = try await op.server.signOut("session-1").deliveries
        var jwtIDs = Set<String>()
        for delivery in deliveries {
            let parsed = try #require(JWS.parse(delivery.logoutToken))
            #expect(parsed.header.type == "logout+jwt")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(parsed.payload)) as? [String: Any])
            #expect(object["iss"] as? String == OP.issuer)
            #expect((object["aud"] as? String) == delivery.client.rawValue)
            #expect(object["sub"] as? String == "alice" && object["sid"] as? String == "session-1")
            #expect(object["nonce"] == nil)
            let iat = try #require(object["iat"] as? Int)
            let exp = try #require(object["exp"] as? Int)
            #expect(exp > iat && exp - iat <= 120)
            let events = try #require(object["events"] as? [String: Any])
            #expect((events[LogoutToken.event] as? [String: Any])?.isEmpty == true)
            jwtIDs.insert(try #require(object["jti"] as? String))
            let validated = try LogoutToken.validate(
                delivery.logoutToken, issuer: OP.issuer, clientID: delivery.client, algorithm: .hs256,
                verifiers: [op.signer], now: op.clock.now)
            #expect(validated.sessionID == "session-1" && validated.subject == OP.alice)
        }
        #expect(jwtIDs.count == deliveries.count)
    }

    @Test("signing out twice, or an unknown session, does nothing")
    func idempotent() async throws {
        let op = try OP()
        _ = try await op.signIn(session: op.session())
        #expect(try await op.server.signOut("session-1").deliveries.count == 1)
        let again = try await op.server.signOut("session-1")
        #expect(again.session == nil && again.deliveries.isEmpty && again.revokedFamilies == 0)
        #expect(try await op.server.signOut("never").deliveries.isEmpty)
    }

    @Test(
        "a sign-out the store failed part-way is finished by the next call: every family revoked, every client told (§2.5)",
        arguments: [0, 1, 2, 3], [FaultInjectingStore.Timing.beforeWrite, .afterWrite])
    func retryAfterStoreFailure(call: Int, timing: FaultInjectingStore.Timing) async throws {
        let op = try OP()
        let session = op.session()
        let rp = try await op.signIn(.rp, session: session)
        let rp2 = try await op.signIn(.rp2, session: session)
        // The calls: end the record (0), revoke the two families (1, 2), settle it (3).
        op.faults.arm(call: call, timing: timing)
        let first: SignOut?
        do { first = try await op.server.signOut("session-1") } catch { first = nil }
        #expect(op.faults.disarm() != nil)
        let told: [ClientID] = [OP.rp.clientID, OP.rp2.clientID]
        let second = try await op.server.signOut("session-1")
        if let first {
            // Only settling failed, which sign-out survives: it told everyone; a lost settle
            // (before its write) makes the next call tell them again, a kept one does not.
            #expect(call == 3 && first.deliveries.map(\.client) == told && first.revokedFamilies == 2)
            #expect(second.deliveries.map(\.client) == (timing == .beforeWrite ? told : []))
        } else {
            #expect(second.session == "session-1" && second.deliveries.map(\.client) == told)
        }
        for (token, client) in [(rp.refreshToken, OP.rp), (rp2.refreshToken, OP.rp2)] {
            #expect(await op.refresh(try #require(token), as: client).status == 400)
        }
        let third = try await op.server.signOut("session-1")
        #expect(third.session == nil && third.deliveries.isEmpty && third.revokedFamilies == 0)
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
    }

    @Test("after sign-out prompt=none answers login_required, even if the host kept its session")
    func promptNone() async throws {
        let op = try OP()
        let session = op.session()
        _ = try await op.signIn(session: session)
        #expect(try await op.silentInteraction(session).approvesSilently)
        _ = try await op.server.signOut("session-1")
        #expect(try await op.silentInteraction(session).rejectionError == .loginRequired)
        #expect(try await op.silentInteraction(nil).rejectionError == .loginRequired)
    }

    @Test(
        "per policy, sign-out revokes the session's refresh tokens and their access tokens, not offline_access ones",
        arguments: [true, false])
    func refreshTokens(revokes: Bool) async throws {
        var policy = Policy()
        policy.signOutRevokesRefreshTokens = revokes
        let op = try OP(policy: policy)
        let session = op.session()
        let online = try await op.signIn(.rp, session: session)
        let offline = try await op.signIn(.rp2, session: session, scope: "openid offline_access")
        let signOut = try await op.server.signOut("session-1")
        #expect(signOut.revokedFamilies == (revokes ? 1 : 0))
        #expect(await op.refresh(try #require(online.refreshToken)).status == (revokes ? 400 : 200))
        #expect(await op.refresh(try #require(offline.refreshToken), as: .rp2).status == 200)
        let introspected = try await op.server.inspectToken(online.accessToken)
        #expect(introspected?.isActive == !revokes)
    }

    /// How the session a code was approved in looks when the code comes to be exchanged.
    enum EndedSession: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case ended, purged
        var testDescription: String { rawValue }
    }

    @Test(
        "a code approved in a session and exchanged after sign-out is refused: invalid_grant, nothing issued, the code spent (Back-Channel Logout 1.0 §2.7; RFC 6749 §5.2)",
        arguments: EndedSession.allCases, [true, false])
    func codeInFlight(session state: EndedSession, signOutRevokes: Bool) async throws {
        var policy = Policy()
        policy.signOutRevokesRefreshTokens = signOutRevokes
        let op = try OP(policy: policy)
        let redirect = try await op.server.approvedRedirect(
            RequestBuilder.codeAuthorization(client: OP.rp.clientID, redirectURI: OP.rpRedirect, scope: "openid"),
            session: op.session())
        let code = try #require(redirect.code)
        _ = try await op.server.signOut("session-1")
        if state == .purged {
            op.clock.advance(by: 1)
            #expect(try await op.store.purge(before: op.clock.now) == 1)  // the ended session's record only
        }
        let response = await op.server.token(
            RequestBuilder.authorizationCode(code, redirectURI: OP.rpRedirect, as: .basic(OP.rp)))
        #expect(response.status == 400)
        #expect(try response.jsonObject()["error"] as? String == "invalid_grant")
        #expect(try response.jsonObject()["access_token"] == nil)
        // Nothing was minted: no access token a guard would have to refuse.
        #expect(op.store.accessTokenCount == 0)
        // The code is spent, and the family its redemption stored is revoked, whatever the policy.
        let stored = try #require(try await op.store.updateCode(at: Digest256(hashing: code)) { ($0.state, $0.family) })
        guard case .redeemed = stored.0 else {
            Issue.record("the code is \(stored.0), not redeemed")
            return
        }
        let family = try #require(try await op.store.family(stored.1)?.family)
        #expect(!family.state.isActive)
    }

    @Test(
        "a device approved in a session and polled after sign-out is refused: invalid_grant, nothing issued (Back-Channel Logout 1.0 §2.7; RFC 6749 §5.2)",
        arguments: EndedSession.allCases)
    func deviceInFlight(session state: EndedSession) async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "openid")
        let session = UserSession(subject: DeviceFlow.alice, authTime: flow.clock.now, id: "living-room")
        #expect(try await flow.server.approveDevice(userCode: authorization.userCode, session: session))
        _ = try await flow.server.signOut("living-room")
        if state == .purged {
            flow.clock.advance(by: 1)
            #expect(try await flow.store.purge(before: flow.clock.now) == 1)
        }
        let poll = await flow.poll(authorization.deviceCode)
        #expect(poll.status == 400)
        #expect(try poll.jsonObject()["error"] as? String == "invalid_grant")
        #expect(flow.store.accessTokenCount == 0)
    }
}
