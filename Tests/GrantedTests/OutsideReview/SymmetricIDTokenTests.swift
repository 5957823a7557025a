import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// Outside review, finding 12: with one HS256 key every relying party that can check an ID token
/// can also forge one for any other client (OpenID Connect Core §10.1).
@Suite("Outside review 12: HS256 ID tokens are an explicit opt-in (OpenID Connect Core §10.1)")
struct SymmetricIDTokenTests {
    static func server(optIn: Bool) throws -> AuthorizationServer {
        var policy = Policy()
        policy.allowsSymmetricIDTokenSignatures = optIn
        let clients = TestServer.clients()
        for client in CodeFlow.clients() { clients.register(client) }
        return AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, clock: ManualClock(TestServer.start),
            signingKeys: try SigningKeys(active: HS256Signer(key: Array(repeating: 7, count: 32), keyID: "k")))
    }

    static func idToken(_ server: AuthorizationServer) async throws -> String? {
        let validation = await server.validate(
            OAuthRequest(method: .get, target: CodeFlow.target(CodeFlow.codeRequest(scope: "openid"))))
        let request = try #require(validation.request, "\(validation)")
        let redirect = try CodeFlow.Redirect(
            await server.approve(request, subject: CodeFlow.alice, authTime: TestServer.start))
        let code = try #require(redirect["code"])
        let response = await server.token(
            CodeFlow.web.tokenRequest([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", CodeFlow.webAppRedirect),
            ]))
        return try response.jsonObject()["id_token"] as? String
    }

    @Test("OpenID Connect Core §10.1: a server given only an HS256 key neither advertises nor signs HS256 ID tokens unless the policy opts in")
    func hs256NotByDefault() async throws {
        let server = try Self.server(optIn: false)
        let metadata = try server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect(!(metadata["id_token_signing_alg_values_supported"] as? [String] ?? []).contains("HS256"))
        #expect(try await Self.idToken(server) == nil)
    }

    @Test("OpenID Connect Core §10.1: Policy.allowsSymmetricIDTokenSignatures turns HS256 ID tokens on, advertised")
    func hs256WhenOptedIn() async throws {
        let server = try Self.server(optIn: true)
        let metadata = try server.metadata(OAuthRequest(method: .get, path: "/.well-known/oauth-authorization-server"))
            .jsonObject()
        #expect(metadata["id_token_signing_alg_values_supported"] as? [String] == ["HS256"])
        let token = try #require(try await Self.idToken(server))
        #expect(JWS.parse(token) != nil)
    }
}
