import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Device authorization grant, end to end (RFC 8628)")
struct DeviceAuthorizationFlowTests {
    // MARK: §3.1, §3.2: the device authorization endpoint

    @Test("the response carries every member of §3.2, as JSON that must not be cached")
    func response() async throws {
        let flow = DeviceFlow()
        let response = await flow.request([("scope", "public profile")])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.isNotCacheable)
        let authorization = try await flow.authorize()
        #expect(authorization.deviceCode.hasPrefix("gdc_"))
        #expect(authorization.deviceCode.utf8.count == 4 + 43)  // 256 bits
        #expect(authorization.verificationURI == TestServer.issuer + "/device")
        #expect(authorization.verificationURIComplete == authorization.verificationURI + "?user_code=" + authorization.userCode)
        #expect(authorization.expiresIn == 600)
        #expect(authorization.interval == 5)
    }

    @Test("user codes are 8 consonants of BCDFGHJKLMNPQRSTVWXZ shown XXXX-XXXX (§6.1)", arguments: 0..<20)
    func userCodeShape(seed: UInt64) async throws {
        let store = InMemoryGrantStore()
        let flow = DeviceFlow(store: store)
        let server = AuthorizationServer(
            issuer: TestServer.issuer, clients: flow.server.clients, store: store, clock: flow.clock,
            random: SeededRandom(seed: seed))
        let response = await server.deviceAuthorization(
            RequestBuilder.form("/device_authorization", [], as: .publicClient(DeviceFlow.tv)))
        let code = try #require(try response.jsonObject()["user_code"] as? String)
        let letters = Set("BCDFGHJKLMNPQRSTVWXZ")
        #expect(code.count == 9)
        #expect(Array(code)[4] == "-")
        #expect(code.filter { $0 != "-" }.allSatisfy(letters.contains))
    }

    @Test("the verification URI may be an absolute URL of the host's choice (§3.2)")
    func absoluteVerificationURI() async throws {
        var paths = EndpointPaths()
        paths.deviceVerification = "https://example.com/tv"
        let authorization = try await DeviceFlow(paths: paths).authorize()
        #expect(authorization.verificationURI == "https://example.com/tv")
        #expect(authorization.verificationURIComplete.hasPrefix("https://example.com/tv?user_code="))
    }

    @Test("lifetime and interval come from the policy (§3.2 expires_in, interval)")
    func policyLifetimes() async throws {
        var policy = Policy()
        policy.deviceCodeLifetime = 120
        policy.devicePollingInterval = 2
        let authorization = try await DeviceFlow(policy: policy).authorize()
        #expect(authorization.expiresIn == 120)
        #expect(authorization.interval == 2)
    }

    @Test("only POST with a form body is a device authorization request (§3.1)")
    func postFormOnly() async {
        let flow = DeviceFlow()
        let get = await flow.server.deviceAuthorization(OAuthRequest(method: .get, path: "/device_authorization"))
        #expect(get.status == 405)
        let json = await flow.server.deviceAuthorization(
            OAuthRequest(
                method: .post, path: "/device_authorization", headers: ["Content-Type": "application/json"],
                body: Array(#"{"client_id":"tv"}"#.utf8)))
        #expect(json.errorCode == "invalid_request")
    }

    @Test("the client authenticates as at the token endpoint (§3.1; RFC 6749 §3.2.1)")
    func clientAuthentication() async {
        let flow = DeviceFlow()
        #expect(await flow.request([], as: nil).errorCode == "invalid_client")
        #expect(await flow.request([], as: .publicClient("nobody")).errorCode == "invalid_client")
        // A confidential client must authenticate; its id alone is not enough.
        #expect(await flow.request([], as: .publicClient(DeviceFlow.console.clientID)).status == 401)
        let wrong = BasicCredentials(clientID: DeviceFlow.console.clientID, secret: "wrong")
        #expect(await flow.request([], as: .basic(wrong)).status == 401)
        #expect(await flow.request([], as: .basic(DeviceFlow.console)).status == 200)
    }

    @Test("a client not registered for the grant is unauthorized_client (§3.2; RFC 6749 §5.2)")
    func unauthorizedClient() async {
        let response = await DeviceFlow().request([], as: .basic(DeviceFlow.webApp))
        #expect(response.errorCode == "unauthorized_client")
    }

    @Test(
        "scope and resource are checked as for every grant (§3.1; RFC 8707 §2)",
        arguments: [
            ([("scope", "unknown")], "invalid_scope"),
            ([("resource", "not a uri")], "invalid_target"),
            ([("resource", "https://unknown.example.com")], "invalid_target"),
            ([("scope", "a"), ("scope", "b")], "invalid_request"),
        ])
    func badParameters(parameters: [(String, String)], error: String) async {
        let response = await DeviceFlow().request(parameters.map { ($0.0, $0.1) })
        #expect(response.errorCode == error)
    }

    // MARK: §3.3: the verification page

    /// Ways a user may type `BCDF-GHJK`: as shown, lower case, without the dash, with spaces.
    static func spelling(_ code: String, _ way: Int) -> String {
        switch way {
        case 0: code
        case 1: code.lowercased()
        case 2: code.replacingOccurrences(of: "-", with: "")
        case 3: code.replacingOccurrences(of: "-", with: " ").lowercased()
        default: " " + code.split(separator: "-").joined(separator: " - ") + " "
        }
    }

    @Test("a user code is found ignoring case, spaces and dashes (§6.1)", arguments: 0..<5)
    func lookUp(way: Int) async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "public profile")
        let found = try #require(try await flow.server.lookUpUserCode(Self.spelling(authorization.userCode, way)))
        #expect(found.userCode == authorization.userCode)
        #expect(found.client.id == DeviceFlow.tv)
        #expect(found.client.name == "Living room TV")
        #expect(found.scopes == [.public, .profile])
    }

    @Test("what is not a pending user code is not found", arguments: ["", "BCDF", "BCDFGHJKL", "AEIOUAEI", "BCDF-GHJ1"])
    func notFound(input: String) async throws {
        let flow = DeviceFlow()
        _ = try await flow.authorize()
        #expect(try await flow.server.lookUpUserCode(input) == nil)
        #expect(try await flow.server.approveDevice(userCode: input, subject: DeviceFlow.alice, authTime: flow.clock.now) == false)
    }

    @Test("a code cannot be decided twice, nor after it expires (§3.3, §3.5)")
    func decidedOnce() async throws {
        let flow = DeviceFlow()
        let first = try await flow.authorize()
        #expect(try await flow.approve(first.userCode))
        #expect(try await flow.server.denyDevice(userCode: first.userCode) == false)
        #expect(try await flow.server.lookUpUserCode(first.userCode) == nil)
        let second = try await flow.authorize()
        flow.clock.advance(by: 600)
        #expect(try await flow.server.lookUpUserCode(second.userCode) == nil)
        #expect(try await flow.approve(second.userCode) == false)
    }

    // MARK: §3.4, §3.5: polling the token endpoint

    @Test("before a decision the device is told authorization_pending; after approval it gets tokens (§3.5)")
    func pendingThenTokens() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "public profile")
        let pending = await flow.poll(authorization.deviceCode)
        #expect(pending.status == 400)
        #expect(pending.errorCode == "authorization_pending")
        #expect(pending.isNotCacheable)
        flow.clock.advance(by: 5)
        try await flow.approve(authorization.userCode)
        let response = await flow.poll(authorization.deviceCode)
        let tokens = try TokenResponse(response)
        #expect(response.isNotCacheable)
        #expect(tokens.accessToken.hasPrefix("gat_"))
        #expect(tokens.refreshToken?.hasPrefix("grt_") == true)
        #expect(tokens.scopes == [.public, .profile])
        #expect(tokens.idToken == nil)
        let record = try #require(try await flow.store.accessToken(at: SHA256.hash(tokens.accessToken)))
        #expect(record.token.subject == DeviceFlow.alice)
        #expect(record.token.client == DeviceFlow.tv)
    }

    @Test("with openid approved, an ID token for the device's client names the user (§3.5; OIDC Core §3.1.3.3)")
    func idToken() async throws {
        let (_, response) = try await DeviceFlow().signIn(scope: "openid profile")
        let claims = try response.idTokenClaims()
        #expect(claims["sub"] as? String == "alice")
        #expect(claims["aud"] as? String == "tv" || (claims["aud"] as? [String]) == ["tv"])
        #expect(claims["iss"] as? String == TestServer.issuer)
        #expect(claims["auth_time"] != nil)
        #expect(claims["nonce"] == nil)
    }

    @Test("approved in a session: ID tokens carry sid, refreshed ones too, and sign-out ends the device's refresh token (Back-Channel Logout 1.0 §2.1, §2.7)")
    func approvedInSession() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "openid profile")
        let session = UserSession(subject: DeviceFlow.alice, authTime: flow.clock.now, id: "living-room")
        #expect(try await flow.server.approveDevice(userCode: authorization.userCode, session: session))
        let response = await flow.poll(authorization.deviceCode)
        #expect(try response.idTokenClaims()["sid"] as? String == "living-room")
        var refreshToken = try #require(try TokenResponse(response).refreshToken)
        let refreshed = await flow.server.token(RequestBuilder.refreshToken(refreshToken, as: .publicClient(DeviceFlow.tv)))
        #expect(try refreshed.idTokenClaims()["sid"] as? String == "living-room")
        refreshToken = try #require(try TokenResponse(refreshed).refreshToken)

        let signOut = try await flow.server.signOut("living-room")
        #expect(signOut.session == "living-room" && signOut.revokedFamilies == 1)
        let afterwards = await flow.server.token(RequestBuilder.refreshToken(refreshToken, as: .publicClient(DeviceFlow.tv)))
        #expect(try afterwards.jsonObject()["error"] as? String == "invalid_grant")
    }

    @Test("a session that ended approves no device: login_required, nothing recorded, the device still pending")
    func endedSessionApprovesNothing() async throws {
        let flow = DeviceFlow()
        let session = UserSession(subject: DeviceFlow.alice, authTime: flow.clock.now, id: "ended")
        let first = try await flow.authorize(scope: "openid")
        try await flow.server.approveDevice(userCode: first.userCode, session: session)
        _ = try await flow.server.signOut("ended")
        let authorizationsBefore = try await flow.store.authorizations(of: DeviceFlow.alice)

        let second = try await flow.authorize(scope: "openid profile")
        await #expect(throws: OAuthError.loginRequired) {
            try await flow.server.approveDevice(userCode: second.userCode, session: session)
        }
        #expect(try await flow.store.authorizations(of: DeviceFlow.alice) == authorizationsBefore)
        let poll = await flow.poll(second.deviceCode)
        #expect(try poll.jsonObject()["error"] as? String == "authorization_pending")
    }

    @Test("the user may approve fewer scopes than asked; the token says which (RFC 6749 §3.3)")
    func fewerScopes() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "public profile email")
        try await flow.approve(authorization.userCode, scopes: [.profile, "admin"])
        #expect(try TokenResponse(await flow.poll(authorization.deviceCode)).scopes == [.profile])
    }

    @Test("the refresh token works like the code grant's (RFC 6749 §6)")
    func refresh() async throws {
        let flow = DeviceFlow()
        let (_, response) = try await flow.signIn()
        let refreshToken = try #require(try TokenResponse(response).refreshToken)
        let refreshed = await flow.server.token(RequestBuilder.refreshToken(refreshToken, as: .publicClient(DeviceFlow.tv)))
        #expect(refreshed.status == 200)
    }

    @Test("a client without refresh_token gets no refresh token")
    func noRefreshToken() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(as: .publicClient(DeviceFlow.otherTV))
        try await flow.approve(authorization.userCode)
        let tokens = try TokenResponse(await flow.poll(authorization.deviceCode, as: .publicClient(DeviceFlow.otherTV)))
        #expect(tokens.refreshToken == nil)
    }

    @Test("after deny the device is told access_denied, also on later polls (§3.5)")
    func denied() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize()
        #expect(try await flow.server.denyDevice(userCode: authorization.userCode))
        #expect(await flow.poll(authorization.deviceCode).errorCode == "access_denied")
        flow.clock.advance(by: 10)
        #expect(await flow.poll(authorization.deviceCode).errorCode == "access_denied")
    }

    @Test("approving no scope that was asked is a denial")
    func approveNothing() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(scope: "profile")
        #expect(try await flow.approve(authorization.userCode, scopes: [.email]))
        #expect(await flow.poll(authorization.deviceCode).errorCode == "access_denied")
    }

    @Test("after expires_in the device is told expired_token, approved or not (§3.5)", arguments: [false, true])
    func expired(approved: Bool) async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize()
        flow.clock.advance(by: 599)
        if approved { try await flow.approve(authorization.userCode) }
        flow.clock.advance(by: 1)
        #expect(await flow.poll(authorization.deviceCode).errorCode == "expired_token")
    }

    @Test("polling faster than the interval is slow_down, and each one adds 5 seconds (§3.5)")
    func slowDown() async throws {
        let flow = DeviceFlow()
        let code = try await flow.authorize().deviceCode
        #expect(await flow.poll(code).errorCode == "authorization_pending")
        flow.clock.advance(by: 4)
        #expect(await flow.poll(code).errorCode == "slow_down")  // interval now 10
        flow.clock.advance(by: 5)
        #expect(await flow.poll(code).errorCode == "slow_down")  // 5 < 10: interval now 15
        flow.clock.advance(by: 15)
        #expect(await flow.poll(code).errorCode == "authorization_pending")
        flow.clock.advance(by: 14)
        #expect(await flow.poll(code).errorCode == "slow_down")
        let stored = try await flow.store.updateDeviceAuthorization(at: SHA256.hash(code)) { $0.interval }
        #expect(stored == 20)
    }

    @Test("polling at the interval is never slow_down", arguments: [5.0, 5.5, 30])
    func politePolling(every seconds: TimeInterval) async throws {
        let flow = DeviceFlow()
        let code = try await flow.authorize().deviceCode
        for _ in 0..<10 {
            #expect(await flow.poll(code).errorCode == "authorization_pending")
            flow.clock.advance(by: seconds)
        }
    }

    @Test("the tokens are issued once; a second redemption is invalid_grant and revokes them (§3.5; RFC 6749 §4.1.2)")
    func replay() async throws {
        let flow = DeviceFlow()
        let (authorization, response) = try await flow.signIn()
        let tokens = try TokenResponse(response)
        flow.clock.advance(by: 5)
        let again = await flow.poll(authorization.deviceCode)
        #expect(again.errorCode == "invalid_grant")
        let record = try #require(try await flow.store.accessToken(at: SHA256.hash(tokens.accessToken)))
        #expect(!record.isActive(at: flow.clock.now))
        let refreshToken = try #require(tokens.refreshToken)
        let refreshed = await flow.server.token(RequestBuilder.refreshToken(refreshToken, as: .publicClient(DeviceFlow.tv)))
        #expect(refreshed.errorCode == "invalid_grant")
    }

    @Test("the device code is the client's: another client's poll is invalid_grant and changes nothing (§3.4)")
    func boundToClient() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize()
        try await flow.approve(authorization.userCode)
        #expect(await flow.poll(authorization.deviceCode, as: .publicClient(DeviceFlow.otherTV)).errorCode == "invalid_grant")
        #expect(await flow.poll(authorization.deviceCode).status == 200)
    }

    @Test("a confidential client must authenticate to poll (§3.4)")
    func confidentialPoll() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize(as: .basic(DeviceFlow.console))
        try await flow.approve(authorization.userCode)
        #expect(await flow.poll(authorization.deviceCode, as: .publicClient(DeviceFlow.console.clientID)).status == 401)
        #expect(await flow.poll(authorization.deviceCode, as: .basic(DeviceFlow.console)).status == 200)
    }

    @Test("device_code is required once; an unknown one is invalid_grant (§3.4)")
    func deviceCodeParameter() async {
        let flow = DeviceFlow()
        let missing = await flow.server.token(
            RequestBuilder.form("/token", [("grant_type", DeviceFlow.grantType)], as: .publicClient(DeviceFlow.tv)))
        #expect(missing.errorCode == "invalid_request")
        #expect(await flow.poll("gdc_unknown").errorCode == "invalid_grant")
    }

    @Test("a client not registered for the grant may not poll (RFC 6749 §5.2)")
    func pollUnauthorized() async throws {
        let flow = DeviceFlow()
        let code = try await flow.authorize().deviceCode
        #expect(await flow.poll(code, as: .basic(DeviceFlow.webApp)).errorCode == "unauthorized_client")
    }

    @Test("a user who revoked the authorization before the poll gets nothing")
    func revokedBeforePoll() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize()
        try await flow.approve(authorization.userCode)
        let stored = try #require(try await flow.store.authorizations(of: DeviceFlow.alice).first)
        _ = try await flow.store.updateAuthorization(stored.id) { $0.revoke(at: flow.clock.now) }
        #expect(await flow.poll(authorization.deviceCode).errorCode == "invalid_grant")
    }

    // MARK: §5.1: brute force

    @Test("wrong entries that reach a device authorization burn it after the policy's limit (§5.1)")
    func burned() async throws {
        var policy = Policy()
        policy.maxFailedUserCodeEntries = 3
        let flow = DeviceFlow(policy: policy)
        let authorization = try await flow.authorize()
        let letters = Array(authorization.userCode.filter { $0 != "-" })
        // Same first six characters, different last one: it finds the authorization, and is wrong.
        let wrong = String(letters.prefix(7)) + (letters[7] == "B" ? "C" : "B")
        for _ in 0..<2 { #expect(try await flow.server.lookUpUserCode(wrong) == nil) }
        #expect(try await flow.server.lookUpUserCode(authorization.userCode) != nil)  // 2 < 3: still usable
        #expect(try await flow.server.lookUpUserCode(wrong) == nil)  // the third burns it
        #expect(try await flow.server.lookUpUserCode(authorization.userCode) == nil)
        #expect(try await flow.approve(authorization.userCode) == false)
        #expect(await flow.poll(authorization.deviceCode).errorCode == "expired_token")
    }

    @Test("the store keeps no user code nor device code, only digests")
    func digestsOnly() async throws {
        let flow = DeviceFlow()
        let authorization = try await flow.authorize()
        let device = try #require(
            try await flow.store.updateDeviceAuthorization(at: SHA256.hash(authorization.deviceCode)) { $0 })
        let text = String(describing: device)
        #expect(!text.contains(authorization.userCode.replacingOccurrences(of: "-", with: "")))
        #expect(!text.contains(authorization.deviceCode))
        // Keyed: the plain SHA-256 of the code is not what is stored.
        let plain = SHA256.hash(authorization.userCode.replacingOccurrences(of: "-", with: ""))
        #expect(device.userCodeCheck != plain)
    }

    // MARK: Metadata, routing

    @Test("the metadata advertises the endpoint and the grant type (RFC 8628 §4)")
    func metadata() async throws {
        let flow = DeviceFlow()
        let json = try flow.server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect(json["device_authorization_endpoint"] as? String == TestServer.issuer + "/device_authorization")
        #expect((json["grant_types_supported"] as? [String])?.contains(DeviceFlow.grantType) == true)
        let routed = await flow.server.handle(
            RequestBuilder.form("/device_authorization", [], as: .publicClient(DeviceFlow.tv)))
        #expect(routed?.status == 200)
    }
}
