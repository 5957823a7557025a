import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// The introspection endpoint (RFC 7662), driven through raw requests with tokens from real flows.
@Suite("Introspection endpoint (RFC 7662)")
struct IntrospectionTests {
    static let directory = UserDirectory(users: [
        CodeFlow.alice: ["preferred_username": "alice.liddell", "name": "Alice Liddell"],
        CodeFlow.bob: ["name": "Bob"],
    ])
    let flow = RevocationFlow(claims: IntrospectionTests.directory)

    // MARK: §2.1 Who may introspect

    @Test(
        "RFC 7662 §2.1: the endpoint MUST require some form of authorization; failed client authentication learns nothing",
        arguments: BadClientAuthentication.allCases)
    func authorizationRequired(_ failure: BadClientAuthentication) async throws {
        let token = try await flow.appToken()
        let response = await flow.server.introspect(failure.request("/introspect", [("token", token)]))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        #expect(try response.jsonObject()["active"] == nil)
    }

    @Test(
        "RFC 7662 §2.3: invalid client credentials get 401 as RFC 6749 §5.2 says, with a Basic challenge (RFC 9110 §15.5.2)",
        arguments: BadClientAuthentication.allCases)
    func invalidCredentials401(_ failure: BadClientAuthentication) async {
        let response = await flow.server.introspect(failure.request("/introspect", [("token", "gat_whatever")]))
        #expect(response.status == 401)
        #expect(response.isOAuthError(among: ["invalid_client"]))
        let challenge = response.headers["WWW-Authenticate"]
        #expect(challenge?.lowercased().hasPrefix("basic ") == true, "got \(challenge ?? "none")")
    }

    @Test("RFC 7662 §2.1, §4: a public client cannot authenticate, so it may not introspect, not even its own token")
    func publicClientRefused() async throws {
        let tokens = try await flow.signIn(.native)
        for token in [tokens.accessToken, try #require(tokens.refreshToken)] {
            let response = await flow.introspect(token, as: CodeFlow.native)
            #expect(response.status == 401)
            #expect(response.errorCode == "invalid_client")
            #expect(try response.jsonObject()["active"] == nil)
        }
        let spa = await flow.introspect(tokens.accessToken, as: .publicClient(TestServer.spa))
        #expect(spa.errorCode == "invalid_client")
    }

    @Test(
        "RFC 7662 §2.1, §4: with IntrospectionAccess.listed only the listed confidential clients may introspect",
        arguments: [
            (CodeFlow.Caller.resourceServer, true), (.basic(CodeFlow.webApp), false), (.body(CodeFlow.webApp), false),
            (.service, false), (.publicClient(TestServer.spa), false),
        ])
    func listedAccess(_ caller: CodeFlow.Caller, allowed: Bool) async throws {
        let flow = RevocationFlow(
            introspectionAccess: .listed([RevocationFlow.resourceServer.clientID, TestServer.spa]))
        let token = try await flow.appToken()
        let response = await flow.introspect(token, as: caller)
        if allowed {
            #expect(response.status == 200)
            #expect(try response.jsonObject()["active"] as? Bool == true)
        } else {
            #expect(response.status == 401, "\(caller)")
            #expect(response.errorCode == "invalid_client")
            #expect(try response.jsonObject()["active"] == nil)
        }
    }

    @Test(
        "RFC 6749 §5.2: a client refused with invalid_client after it tried HTTP Basic gets 401 and a Basic challenge, even when its secret was right")
    func listedRefusalChallenges() async throws {
        let flow = RevocationFlow(introspectionAccess: .listed([RevocationFlow.resourceServer.clientID]))
        let token = try await flow.appToken()
        let response = await flow.introspect(token, as: .basic(CodeFlow.webApp))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        let challenge = response.headers["WWW-Authenticate"]
        #expect(challenge?.lowercased().hasPrefix("basic ") == true, "got \(challenge ?? "no WWW-Authenticate")")
    }

    @Test(
        "RFC 7662 §2.1: each client authentication method the server advertises lets the resource server introspect",
        arguments: ["client_secret_basic", "client_secret_post"])
    func advertisedMethods(_ method: String) async throws {
        let json = try flow.server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect((json["introspection_endpoint_auth_methods_supported"] as? [String])?.contains(method) == true)
        let token = try await flow.appToken()
        let caller: CodeFlow.Caller =
            method == "client_secret_basic" ? .resourceServer : .body(RevocationFlow.resourceServer)
        let response = await flow.introspect(token, as: caller)
        #expect(response.status == 200)
        #expect(try response.jsonObject()["active"] as? Bool == true)
    }

    // MARK: §2.1 The request

    @Test("RFC 7662 §2.1: token is REQUIRED; without it the request is invalid_request", arguments: ["", "token=", "token_type_hint=access_token"])
    func tokenRequired(_ body: String) async {
        let response = await flow.server.introspect(
            OAuthRequest.form("/introspect", body, headers: ["Authorization": RevocationFlow.resourceServer.headerValue]))
        #expect(response.status == 400)
        #expect(response.isOAuthError(among: ["invalid_request"]))
    }

    @Test("RFC 7662 §2.1: the protected resource calls the endpoint with an HTTP POST; other methods get 405", arguments: [OAuthRequest.Method.get, .put, .delete])
    func postOnly(_ method: OAuthRequest.Method) async throws {
        let token = try await flow.appToken()
        let response = await flow.server.introspect(
            OAuthRequest(
                method: method, path: "/introspect", query: "token=\(token)",
                headers: ["Authorization": RevocationFlow.resourceServer.headerValue]))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
        #expect(try response.jsonObject()["active"] == nil)
    }

    /// A token of every kind the server looks up, with the hints that do and do not name it.
    enum Kind: String, CaseIterable, Sendable {
        case accessToken, refreshToken, apiKey

        func issue(_ flow: RevocationFlow) async throws -> String {
            switch self {
            case .accessToken: try await flow.signIn().accessToken
            case .refreshToken: try #require(try await flow.signIn().refreshToken)
            case .apiKey: try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli").key
            }
        }

        var hints: [String?] { [nil, "access_token", "refresh_token", "bogus"] }
    }

    @Test(
        "RFC 7662 §2.1: if the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types",
        arguments: Kind.allCases)
    func anyHint(_ kind: Kind) async throws {
        let token = try await kind.issue(flow)
        for hint in kind.hints {
            let json = try await flow.introspection(of: token, hint: hint)
            #expect(json["active"] as? Bool == true, "\(kind) with hint \(hint ?? "none")")
            #expect(json["sub"] as? String == CodeFlow.alice.rawValue)
        }
    }

    // MARK: §2.2 Active tokens

    @Test("RFC 7662 §2.2: an active user access token: active, scope, client_id, username, token_type, exp, iat, sub, aud, iss")
    func activeUserAccessToken() async throws {
        let tokens = try await flow.signIn(scope: "public profile")
        let json = try await flow.introspection(of: tokens.accessToken)
        #expect(json["active"] as? Bool == true)
        #expect(Set(try #require(json["scope"] as? String).split(separator: " ")) == ["public", "profile"])
        #expect(json["client_id"] as? String == CodeFlow.webApp.clientID.rawValue)
        #expect(json["username"] as? String == "alice.liddell")
        #expect((json["token_type"] as? String)?.lowercased() == "bearer")
        let issuedAt = Int(TestServer.start.timeIntervalSince1970)
        #expect((json["iat"] as? NSNumber)?.intValue == issuedAt)
        let lifetime = try #require(tokens.expiresIn)
        #expect((json["exp"] as? NSNumber)?.intValue == issuedAt + lifetime)
        #expect(json["sub"] as? String == CodeFlow.alice.rawValue)
        let audience = json["aud"] as? String ?? (json["aud"] as? [String])?.first
        #expect(audience?.isEmpty == false)
        #expect(json["iss"] as? String == TestServer.issuer)
    }

    @Test("RFC 7662 §2.2: an app-only access token is active with its client and scope, and no sub or username")
    func activeAppAccessToken() async throws {
        let token = try await flow.appToken(scope: "public")
        let json = try await flow.introspection(of: token)
        #expect(json["active"] as? Bool == true)
        #expect(json["scope"] as? String == "public")
        #expect(json["client_id"] as? String == TestServer.service.clientID.rawValue)
        #expect((json["token_type"] as? String)?.lowercased() == "bearer")
        #expect(json["iss"] as? String == TestServer.issuer)
        #expect(json["sub"] == nil)
        #expect(json["username"] == nil)
    }

    @Test("RFC 7662 §2.2: username only when the claims source has a preferred_username for the user")
    func usernameFromClaims() async throws {
        let bobs = try await flow.signIn(subject: CodeFlow.bob)
        #expect(try await flow.introspection(of: bobs.accessToken)["username"] == nil)
        let plain = RevocationFlow()
        let alices = try await plain.signIn()
        let json = try await plain.introspection(of: alices.accessToken)
        #expect(json["active"] as? Bool == true)
        #expect(json["username"] == nil)
    }

    @Test("RFC 7662 §2.2: the current refresh token is active, with its client, scope and sub")
    func activeRefreshToken() async throws {
        let tokens = try await flow.signIn(scope: "public")
        let json = try await flow.introspection(of: try #require(tokens.refreshToken))
        #expect(json["active"] as? Bool == true)
        #expect(json["client_id"] as? String == CodeFlow.webApp.clientID.rawValue)
        #expect(json["scope"] as? String == "public")
        #expect(json["sub"] as? String == CodeFlow.alice.rawValue)
        #expect(json["username"] as? String == "alice.liddell")
        #expect(json["iss"] as? String == TestServer.issuer)
    }

    @Test("RFC 7662 §2.2: after rotation the new refresh token is active and the rotated-out one is not")
    func rotatedRefreshToken() async throws {
        let first = try #require(try await flow.signIn().refreshToken)
        let second = try #require(try CodeFlow.Tokens(await flow.refresh(first)).refreshToken)
        #expect(try await flow.isActive(second))
        #expect(await flow.introspect(first).bodyText == RevocationFlow.inactiveBody)
        // Introspecting the old generation is not a use of it: the family lives on.
        #expect(try await flow.isActive(second))
        #expect(await flow.refresh(second).status == 200)
    }

    @Test("RFC 7662 §2.2: an API key is active as its user, until the user revokes it")
    func apiKey() async throws {
        let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        let json = try await flow.introspection(of: key)
        #expect(json["active"] as? Bool == true)
        #expect(json["sub"] as? String == CodeFlow.alice.rawValue)
        #expect(json["username"] as? String == "alice.liddell")
        #expect(json["iss"] as? String == TestServer.issuer)
        #expect(try await flow.server.revokeAPIKey(record.id, of: CodeFlow.alice))
        let response = await flow.introspect(key)
        #expect(response.status == 200)
        #expect(response.bodyText == RevocationFlow.inactiveBody)
    }

    // MARK: §2.2, §2.3 Tokens that are not active

    /// Ways a token ends up not active, each reached through the server's own endpoints.
    enum Fate: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case expiredAccessToken = "an access token at its exp"
        case revokedAccessToken = "a revoked access token"
        case revokedRefreshToken = "a revoked refresh token"
        case accessTokenOfRevokedRefreshToken = "an access token whose refresh token was revoked"
        case rotatedOutRefreshToken = "a rotated-out refresh token"
        case replayedFamilyRefreshToken = "the current refresh token after an old one was replayed"
        case expiredRefreshToken = "a refresh token past its lifetime"
        case idleRefreshToken = "a refresh token idle too long"
        case revokedUserAuthorizationAccess = "the access token of a revoked user authorization"
        case revokedUserAuthorizationRefresh = "the refresh token of a revoked user authorization"
        case revokedAPIKey = "a revoked API key"
        case purgedAfterRevocation = "a revoked token after housekeeping deleted it"
        case unknown = "an unknown token"
        case unknownWithPrefix = "an unknown token with an access token prefix"

        var testDescription: String { rawValue }

        static let lifetime: TimeInterval = 30 * 24 * 3600
        static let idleLifetime: TimeInterval = 7 * 24 * 3600
        static let policy = {
            var policy = Policy()
            policy.refreshTokenLifetime = lifetime
            policy.refreshTokenIdleLifetime = idleLifetime
            return policy
        }()

        /// The web app's refresh token, refreshed every six days (never idle) until `age` after sign-in.
        static func refreshTokenKeptInUse(_ flow: RevocationFlow, until age: TimeInterval) async throws -> String {
            var refresh = try #require(try await flow.signIn().refreshToken)
            let step: TimeInterval = 6 * 24 * 3600
            var elapsed: TimeInterval = 0
            while elapsed + step < age {
                flow.clock.advance(by: step)
                elapsed += step
                refresh = try #require(try CodeFlow.Tokens(await flow.refresh(refresh)).refreshToken)
            }
            flow.clock.advance(by: age - elapsed)
            return refresh
        }

        /// The token, brought to its fate.
        func token(_ flow: RevocationFlow) async throws -> String {
            switch self {
            case .expiredAccessToken:
                let tokens = try await flow.signIn()
                flow.clock.advance(by: TimeInterval(try #require(tokens.expiresIn)))
                return tokens.accessToken
            case .revokedAccessToken:
                let tokens = try await flow.signIn()
                try #require(await flow.revoke(tokens.accessToken, as: CodeFlow.web).status == 200)
                return tokens.accessToken
            case .revokedRefreshToken, .accessTokenOfRevokedRefreshToken:
                let tokens = try await flow.signIn()
                let refresh = try #require(tokens.refreshToken)
                try #require(await flow.revoke(refresh, as: CodeFlow.web).status == 200)
                return self == .revokedRefreshToken ? refresh : tokens.accessToken
            case .rotatedOutRefreshToken:
                let refresh = try #require(try await flow.signIn().refreshToken)
                try #require(await flow.refresh(refresh).status == 200)
                return refresh
            case .replayedFamilyRefreshToken:
                let first = try #require(try await flow.signIn().refreshToken)
                let second = try #require(try CodeFlow.Tokens(await flow.refresh(first)).refreshToken)
                try #require(await flow.refresh(first).errorCode == "invalid_grant")
                return second
            case .expiredRefreshToken:
                return try await Self.refreshTokenKeptInUse(flow, until: Self.lifetime)
            case .idleRefreshToken:
                let refresh = try #require(try await flow.signIn().refreshToken)
                flow.clock.advance(by: Self.idleLifetime)
                return refresh
            case .revokedUserAuthorizationAccess, .revokedUserAuthorizationRefresh:
                let tokens = try await flow.signIn()
                try #require(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
                return self == .revokedUserAuthorizationAccess ? tokens.accessToken : try #require(tokens.refreshToken)
            case .revokedAPIKey:
                let (key, record) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
                try #require(try await flow.server.revokeAPIKey(record.id, of: CodeFlow.alice))
                return key
            case .purgedAfterRevocation:
                let tokens = try await flow.signIn()
                try #require(await flow.revoke(try #require(tokens.refreshToken), as: CodeFlow.web).status == 200)
                flow.clock.advance(by: 2 * 24 * 3600)
                try #require(try await flow.server.purge(deadFor: 24 * 3600) > 0)
                return tokens.accessToken
            case .unknown:
                return "never-issued"
            case .unknownWithPrefix:
                return "gat_" + String(repeating: "A", count: 43)
            }
        }
    }

    @Test(
        "RFC 7662 §2.2: if the token is not active or does not exist, the server MUST return active false",
        arguments: Fate.allCases)
    func inactive(_ fate: Fate) async throws {
        let flow = RevocationFlow(policy: Fate.policy, claims: Self.directory)
        let token = try await fate.token(flow)
        for hint in [nil, "access_token", "refresh_token"] {
            #expect(try await flow.introspection(of: token, hint: hint)["active"] as? Bool == false)
        }
    }

    @Test(
        "RFC 7662 §2.2: the server SHOULD NOT include any additional information about an inactive token: exactly {\"active\":false}",
        arguments: Fate.allCases)
    func inactiveSaysNothingMore(_ fate: Fate) async throws {
        let flow = RevocationFlow(policy: Fate.policy, claims: Self.directory)
        let token = try await fate.token(flow)
        let response = await flow.introspect(token)
        #expect(response.bodyText == RevocationFlow.inactiveBody)
        #expect(try Set(response.jsonObject().keys) == ["active"])
    }

    @Test(
        "RFC 7662 §2.3: a properly formed and authorized query for an inactive token is not an error: the server MUST instead answer 200 with an introspection response",
        arguments: Fate.allCases)
    func inactiveIsNoError(_ fate: Fate) async throws {
        let flow = RevocationFlow(policy: Fate.policy, claims: Self.directory)
        let token = try await fate.token(flow)
        let response = await flow.introspect(token)
        #expect(response.status == 200)
        #expect(response.errorCode == nil)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(response.headers["WWW-Authenticate"] == nil)
    }

    @Test("RFC 7662 §2.2: a refresh token in use is active until the second before its lifetime ends", arguments: [-1, 0])
    func refreshTokenLifetime(offset: Int) async throws {
        let flow = RevocationFlow(policy: Fate.policy)
        let refresh = try await Fate.refreshTokenKeptInUse(flow, until: Fate.lifetime + TimeInterval(offset))
        #expect(try await flow.isActive(refresh) == (offset < 0))
    }

    @Test("RFC 7662 §2.2: an unused refresh token is active until the second before its idle limit", arguments: [-1, 0])
    func refreshTokenIdle(offset: Int) async throws {
        let flow = RevocationFlow(policy: Fate.policy)
        let refresh = try #require(try await flow.signIn().refreshToken)
        flow.clock.advance(by: Fate.idleLifetime + TimeInterval(offset))
        #expect(try await flow.isActive(refresh) == (offset < 0))
    }

    @Test("RFC 7662 §2.2: an access token is active until the second before its exp", arguments: [-1, 0, 1])
    func accessTokenExpiry(offset: Int) async throws {
        let tokens = try await flow.signIn()
        flow.clock.advance(by: TimeInterval(try #require(tokens.expiresIn) + offset))
        let response = await flow.introspect(tokens.accessToken)
        if offset < 0 {
            #expect(try response.jsonObject()["active"] as? Bool == true)
        } else {
            #expect(response.bodyText == RevocationFlow.inactiveBody)
        }
    }

    @Test("RFC 7662 §2.2, §2.3: a malformed token of random bytes is exactly {\"active\":false}", arguments: 0..<64)
    func randomToken(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let bytes = (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token: String =
            switch seed % 3 {
            case 0: Base64URL.encode(bytes)
            case 1: String(decoding: bytes.map { 0x20 + $0 % 0x5F }, as: UTF8.self)  // %x20-7E, `&`, `=`, `%` and `+` too
            default: String(decoding: bytes, as: UTF8.self)  // any UTF-8, with replacement characters
            }
        let response = await flow.introspect(token, hint: seed % 2 == 0 ? "access_token" : "refresh_token")
        #expect(response.status == 200, "seed \(seed): \(response.bodyText)")
        #expect(response.bodyText == RevocationFlow.inactiveBody, "seed \(seed)")
    }

    @Test("a token that is not UTF-8 never introspects as active and never fails the server", arguments: 0..<16)
    func nonUTF8Token(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let bytes = [0xFF] + (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let body = "token=" + bytes.map { "%" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        let response = await flow.server.introspect(
            OAuthRequest.form("/introspect", body, headers: ["Authorization": RevocationFlow.resourceServer.headerValue]))
        #expect(
            response.bodyText == RevocationFlow.inactiveBody
                || (response.status == 400 && response.isOAuthError(among: ["invalid_request"])),
            "seed \(seed): \(response.status) \(response.bodyText)")
    }

    // MARK: Revocation and user actions

    @Test("RFC 7662 §2.2: tokens revoked at the revocation endpoint introspect as inactive at once", arguments: PresentedToken.allCases)
    func revokedAtEndpoint(_ kind: PresentedToken) async throws {
        let (token, owner) = try await kind.issue(flow)
        #expect(try await flow.isActive(token))
        #expect(await flow.revoke(token, as: owner).status == 200)
        #expect(await flow.introspect(token).bodyText == RevocationFlow.inactiveBody)
    }

    @Test("RFC 7662 §2.2: revoking a user authorization makes its access and refresh tokens inactive, and only its")
    func revokedUserAuthorization() async throws {
        let web = try await flow.signIn(scope: "public")
        let other = try await flow.signIn(.other, scope: "public")
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        #expect(await flow.introspect(web.accessToken).bodyText == RevocationFlow.inactiveBody)
        #expect(await flow.introspect(try #require(web.refreshToken)).bodyText == RevocationFlow.inactiveBody)
        #expect(try await flow.isActive(other.accessToken))
        #expect(try await flow.isActive(try #require(other.refreshToken)))
        // Approving the client again is a new authorization; it does not revive the old tokens.
        let again = try await flow.signIn(scope: "public")
        #expect(try await flow.isActive(again.accessToken))
        #expect(await flow.introspect(web.accessToken).bodyText == RevocationFlow.inactiveBody)
        #expect(await flow.introspect(try #require(web.refreshToken)).bodyText == RevocationFlow.inactiveBody)
    }

    @Test(
        "RFC 7662 §2.1: if the server is unable to determine the state of the token, it SHOULD answer not active: a token whose family record is gone",
        arguments: [false, true])
    func undeterminedState(refreshToken: Bool) async throws {
        let tokens = try await flow.signIn()
        let record = try #require(try await flow.store.accessToken(at: SHA256.hash(tokens.accessToken)))
        let family = try #require(record.token.family)
        try await flow.store.updateFamily(family) { $0 = nil }
        let token = refreshToken ? try #require(tokens.refreshToken) : tokens.accessToken
        #expect(await flow.introspect(token).bodyText == RevocationFlow.inactiveBody)
        #expect(await !flow.verifies(tokens.accessToken))
    }

    @Test("RFC 7662 §2.2: introspection responses are JSON and not cached", arguments: [true, false])
    func noStore(active: Bool) async throws {
        let token = active ? try await flow.appToken() : "gat_unknown"
        let response = await flow.introspect(token)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(response.isNotCacheable)
    }

    @Test("RFC 7662 §2.1: handle(_:) routes POST /introspect to the introspection endpoint")
    func routed() async throws {
        let token = try await flow.appToken()
        let response = await flow.server.handle(
            RevocationFlow.request("/introspect", [("token", token)], as: .resourceServer))
        #expect(try response?.jsonObject()["active"] as? Bool == true)
    }

    // MARK: Metadata

    @Test("RFC 8414 §2: the metadata names the introspection endpoint and its client authentication methods, without none")
    func metadata() throws {
        let json = try flow.server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect(json["introspection_endpoint"] as? String == TestServer.issuer + "/introspect")
        let methods = try #require(json["introspection_endpoint_auth_methods_supported"] as? [String])
        #expect(Set(methods) == ["client_secret_basic", "client_secret_post", "client_secret_jwt"])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
