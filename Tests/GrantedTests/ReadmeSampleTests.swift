import Foundation
import Granted
import Testing

/// The README's host sample, verbatim between the markers, so it cannot rot.
@Suite("README sample")
struct ReadmeSampleTests {
    @Test("the README's host sample compiles, issues a token and guards an API with it")
    func readmeSample() async throws {
        // README begin
        let clients = InMemoryClientStore([
            Client(id: "reporting", authentication: .clientSecret(SHA256SecretHasher().hash("s3cret-from-your-vault")),
                   grantTypes: [.clientCredentials], allowedScopes: ["public"]),
        ])
        let server = AuthorizationServer(issuer: "https://auth.example.com", clients: clients)

        // Your HTTP framework's request, mapped to Granted's value:
        let request = OAuthRequest.form("/token", "grant_type=client_credentials",
            headers: ["Authorization": BasicCredentials(clientID: "reporting", secret: "s3cret-from-your-vault").headerValue])
        let response = await server.token(request)        // 200, {"access_token":"gat_…","token_type":"Bearer",…}
        // README end

        #expect(response.status == 200)
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let token = try #require(body["access_token"] as? String)
        #expect(token.hasPrefix("gat_"))
        #expect(body["scope"] as? String == "public")

        let apiRequest = OAuthRequest(method: .get, path: "/user", headers: ["Authorization": "Bearer \(token)"])
        // README begin
        let decision = await server.resourceGuard(apiKeyHeader: "X-API-Key")
            .check(apiRequest, requiring: ["public"])
        // README end
        guard case .allowed(let grant) = decision else {
            Issue.record("the token from the token endpoint must pass the guard")
            return
        }
        #expect(grant.client == "reporting")
    }
}
