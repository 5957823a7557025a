import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// A server as the endpoint and flow tests use it: registered clients, an in-memory store and a
/// manual clock, and token requests built the way a client sends them.
enum TestServer {
    static let issuer = "https://auth.example.com"
    /// Confidential, allowed client credentials, may ask for `public` and `profile`.
    static let service = BasicCredentials(clientID: "service", secret: "service-secret")
    /// Confidential, allowed the authorization code grant only.
    static let webApp = BasicCredentials(clientID: "web-app", secret: "web-app-secret")
    /// Public (no secret), allowed the authorization code grant only.
    static let spa: ClientID = "spa"
    /// Public, yet registered with client credentials, which RFC 6749 §4.4 keeps for confidential clients.
    static let kiosk: ClientID = "kiosk"
    /// The header the resource guard reads API keys from.
    static let apiKeyHeader = "X-API-Key"
    /// The clock's start, so tests can name instants.
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func make(
        clock: ManualClock = ManualClock(start), policy: Policy = Policy()
    ) -> (AuthorizationServer, InMemoryGrantStore) {
        let store = InMemoryGrantStore()
        let server = AuthorizationServer(
            issuer: issuer, policy: policy, clients: clients(), store: store, clock: clock)
        return (server, store)
    }

    static func clients() -> InMemoryClientStore {
        let hasher = SHA256SecretHasher()
        return InMemoryClientStore([
            Client(
                id: service.clientID, authentication: .clientSecret(hasher.hash(service.secret)),
                grantTypes: [.clientCredentials], allowedScopes: [.public, .profile]),
            Client(
                id: webApp.clientID, authentication: .clientSecret(hasher.hash(webApp.secret)),
                redirectURIs: ["https://web.example.com/callback"], grantTypes: [.authorizationCode]),
            Client(id: spa, redirectURIs: ["https://spa.example.com/callback"], grantTypes: [.authorizationCode]),
            Client(id: kiosk, grantTypes: [.clientCredentials]),
        ])
    }

    /// A token request with `parameters` form-encoded in the body, authenticated with HTTP Basic
    /// when `basic` is given (RFC 6749 §2.3.1, §3.2).
    static func tokenRequest(
        _ parameters: [(String, String?)], basic: BasicCredentials? = nil
    ) -> OAuthRequest {
        RequestBuilder.form("/token", parameters, as: basic.map(ClientAuth.basic))
    }

    /// A client credentials request (RFC 6749 §4.4.2) as `service` sends it with HTTP Basic.
    static func clientCredentials(scope: String? = nil, basic: BasicCredentials = service) -> OAuthRequest {
        tokenRequest([("grant_type", "client_credentials"), ("scope", scope)], basic: basic)
    }

    /// Issues a client credentials token to `service` and answers its value.
    static func issueToken(_ server: AuthorizationServer, scope: String? = nil) async throws -> String {
        let response = await server.token(clientCredentials(scope: scope))
        let token = try response.jsonObject()["access_token"] as? String
        return try #require(token, "token request failed: \(response.status) \(response.bodyText)")
    }

    /// A request to a protected resource carrying `headers`, and `query` when given.
    static func resourceRequest(_ headers: HeaderFields = [:], query: String? = nil) -> OAuthRequest {
        OAuthRequest(method: .get, path: "/api/me", query: query, headers: headers)
    }
}
