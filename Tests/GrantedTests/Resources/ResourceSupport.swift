import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// A server with a resource registry (RFC 8707): its own API (opaque tokens, the default
/// audience), a tools server that wants JWT access tokens (RFC 9068), and a reports API that
/// accepts only `profile`. Tokens are signed with an HS256 test key.
struct ResourceFlow: Sendable {
    static let api: ResourceIdentifier = "https://api.example.com"
    static let tools: ResourceIdentifier = "https://tools.example.com/mcp"
    static let reports: ResourceIdentifier = "https://reports.example.com/v1?tenant=7"
    static let keyID = "resource-test-key"
    static let signer = try! HS256Signer(key: Array("granted-resource-tests-key-0123456789".utf8), keyID: keyID)

    let flow: CodeFlow
    var server: AuthorizationServer { flow.server }
    var store: InMemoryGrantStore { flow.store }
    var clock: ManualClock { flow.clock }

    static var policy: Policy {
        var policy = Policy()
        policy.allowsSymmetricIDTokenSignatures = true
        policy.resources = ResourceRegistry(
            [
                ProtectedResource(api),
                ProtectedResource(tools, scopes: [.public, "message.send"], tokenFormat: .jwt),
                ProtectedResource(reports, scopes: [.profile]),
            ], defaults: [api])
        policy.knownScopes = policy.knownScopes.union(["message.send"])
        return policy
    }

    init(policy: Policy = ResourceFlow.policy) {
        let clients = TestServer.clients()
        for client in CodeFlow.clients() { clients.register(client) }
        let clock = ManualClock(TestServer.start)
        let store = InMemoryGrantStore()
        let server = AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, store: store, clock: clock,
            signingKeys: try! SigningKeys(active: Self.signer))
        flow = CodeFlow(server: server, store: store, clock: clock)
    }

    /// The token request's `resource` parameters.
    static func resources(_ identifiers: [String]) -> [(String, String?)] {
        identifiers.map { ("resource", $0) }
    }

    /// A code for `web-app` approved by alice, asked for with `resources`.
    func code(scope: String = "public profile", resources: [String]) async throws -> String {
        try await flow.code(CodeFlow.codeRequest(scope: scope, extra: Self.resources(resources)))
    }

    /// `grant_type=authorization_code` as `web-app`, naming `resources`.
    func exchange(_ code: String, resources: [String] = []) async -> OAuthResponse {
        await server.token(
            CodeFlow.web.tokenRequest(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", CodeFlow.webAppRedirect)]
                    + Self.resources(resources)))
    }

    func refresh(_ token: String, resources: [String] = []) async -> OAuthResponse {
        await server.token(
            CodeFlow.web.tokenRequest(
                [("grant_type", "refresh_token"), ("refresh_token", token)] + Self.resources(resources)))
    }

    func clientCredentials(scope: String? = nil, resources: [String] = []) async -> OAuthResponse {
        await server.token(
            TestServer.tokenRequest(
                [("grant_type", "client_credentials"), ("scope", scope)] + Self.resources(resources),
                basic: TestServer.service))
    }

    /// The stored record of an access token.
    func record(_ token: String) async throws -> AccessToken {
        try #require(try await store.accessToken(at: SHA256.hash(token))).token
    }

    /// `aud` as introspection answers it, to the resource-server caller `web-app` is not: asked
    /// by the client the token was issued to.
    func introspectedAudience(_ token: String, as caller: ClientAuth = CodeFlow.web) async throws -> [String] {
        let response = await server.introspect(
            RequestBuilder.form("/introspect", [("token", token)], as: caller))
        let json = try response.jsonObject()
        #expect(json["active"] as? Bool == true, "introspection: \(response.bodyText)")
        if let one = json["aud"] as? String { return [one] }
        return try #require(json["aud"] as? [String])
    }

    /// A guard for `resource`, over the server's store.
    func check(_ token: String, at resource: ResourceIdentifier?, requiring scopes: ScopeSet = []) async
        -> ResourceGuard.Decision
    {
        await server.resourceGuard(resource: resource).check(
            TestServer.resourceRequest(["Authorization": "Bearer \(token)"]), requiring: scopes)
    }
}

extension CodeFlow {
    init(server: AuthorizationServer, store: InMemoryGrantStore, clock: ManualClock) {
        self.server = server
        self.store = store
        self.clock = clock
    }
}

extension ResourceGuard.Decision {
    var deniedResponse: OAuthResponse? {
        if case .denied(let response, _) = self { response } else { nil }
    }
}
