import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// The operator's calls (inspect and revoke any token by value) and the stand-alone resource guard.
@Suite("Operator API and stand-alone resource guard")
struct OperatorTests {
    @Test("inspect tells each kind of token, whoever it was issued to")
    func inspect() async throws {
        let flow = RevocationFlow()
        let app = try await flow.appToken()
        let tokens = try await flow.signIn(.web, scope: "public profile")
        let refresh = try #require(tokens.refreshToken)
        let key = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "laptop").key

        let appStatus = try #require(try await flow.server.inspectToken(app))
        #expect(appStatus.kind == .accessToken && appStatus.isActive && appStatus.subject == nil)
        #expect(appStatus.client == TestServer.service.clientID)

        let access = try #require(try await flow.server.inspectToken(tokens.accessToken))
        #expect(access.kind == .accessToken && access.isActive && access.subject == CodeFlow.alice)
        #expect(access.scopes == [.public, .profile] && access.family != nil && access.authorization != nil)

        let refreshStatus = try #require(try await flow.server.inspectToken(refresh))
        #expect(refreshStatus.kind == .refreshToken && refreshStatus.isActive)
        #expect(refreshStatus.family == access.family)

        let keyStatus = try #require(try await flow.server.inspectToken(key))
        guard case .apiKey = keyStatus.kind else { throw Failure("expected an API key: \(keyStatus)") }
        #expect(keyStatus.isActive && keyStatus.subject == CodeFlow.alice && keyStatus.client == nil)

        #expect(try await flow.server.inspectToken("gat_unknown") == nil)
    }

    @Test("revoke ends any token by value: a refresh token with its whole family (RFC 7009 §2.1)")
    func revoke() async throws {
        let flow = RevocationFlow()
        let tokens = try await flow.signIn(.web)
        let refresh = try #require(tokens.refreshToken)
        let key = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "laptop").key
        let app = try await flow.appToken()

        #expect(try await flow.server.revokeToken(refresh))
        #expect(try await flow.server.inspectToken(tokens.accessToken)?.isActive == false)
        #expect(try await flow.server.revokeToken(refresh) == false)  // nothing left to change
        #expect(try await flow.server.revokeToken(key))
        #expect(try await flow.server.inspectToken(key)?.isActive == false)
        #expect(try await flow.server.revokeToken(app))
        #expect(try await flow.server.inspectToken(app)?.isActive == false)
        #expect(try await flow.server.revokeToken("gat_unknown") == false)
    }

    @Test("a resource server's guard needs only the shared store, a clock and limits")
    func standaloneGuard() async throws {
        let (server, store) = TestServer.make()
        let token = try await TestServer.issueToken(server, scope: "public")
        let resourceServer = ResourceGuard(store: store, clock: ManualClock(TestServer.start))
        let request = TestServer.resourceRequest(["Authorization": "Bearer \(token)"])
        #expect(await resourceServer.check(request, requiring: [.public]).grant?.client == TestServer.service.clientID)
        _ = try await server.revokeToken(token)
        #expect(await resourceServer.check(request, requiring: [.public]).grant == nil)
    }

    @Test("admin calls answer OAuthError, never the store's own error")
    func adminErrors() async {
        let server = AuthorizationServer(issuer: TestServer.issuer, store: FailingStore())
        await #expect(throws: OAuthError.serverError) { try await server.authorizations(of: CodeFlow.alice) }
        await #expect(throws: OAuthError.serverError) { try await server.createAPIKey(for: CodeFlow.alice, name: "x") }
        await #expect(throws: OAuthError.serverError) { try await server.purge() }
        await #expect(throws: OAuthError.serverError) { try await server.inspectToken("gat_x") }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A store whose every call fails, as a database that went away does.
private struct FailingStore: GrantStore {
    struct Down: Error {}
    func insert(_ token: AccessToken, at digest: Digest256) async throws { throw Down() }
    func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? { throw Down() }
    func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func insert(_ code: AuthorizationCode, at digest: Digest256) async throws { throw Down() }
    func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws { throw Down() }
    func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? { throw Down() }
    func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome { throw Down() }
    func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? { throw Down() }
    func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome { throw Down() }
    func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? { throw Down() }
    func authorizations(of subject: Subject) async throws -> [UserAuthorization] { throw Down() }
    func insert(_ key: APIKey, at digest: Digest256) async throws { throw Down() }
    func apiKey(at digest: Digest256) async throws -> APIKey? { throw Down() }
    func apiKeys(of subject: Subject) async throws -> [APIKey] { throw Down() }
    func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool { throw Down() }
    func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome { throw Down() }
    func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool { throw Down() }
    func insert(_ request: PushedRequest, at digest: Digest256) async throws { throw Down() }
    func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? { throw Down() }
    func purge(before cutoff: Date) async throws -> Int { throw Down() }
}
