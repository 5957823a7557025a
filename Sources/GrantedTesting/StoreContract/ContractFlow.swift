import Foundation
import Granted

/// An authorization server over the store under test, driven through HTTP values as a client and
/// a browser would: the engine-level half of the contract, and a harness for adapters' own tests
/// (two servers on one database share the clients and, when they like, the clock).
public struct ContractFlow: Sendable {
    public let server: AuthorizationServer
    public let store: any GrantStore
    public let clock: ManualClock

    /// Confidential, the client credentials grant, may ask for `public` and `profile`.
    public static let service = BasicCredentials(clientID: "service", secret: "service-secret")
    /// Confidential, the code and refresh grants.
    public static let webApp = BasicCredentials(clientID: "web-app", secret: "web-app-secret")
    public static let webAppRedirect = "https://app.example.com/callback"
    public static let alice: Subject = "alice"
    public static let bob: Subject = "bob"
    public static let issuer = "https://auth.example.com"
    /// Whole seconds, so every store keeps the dates exactly (PostgreSQL keeps microseconds).
    public static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// The clients above.
    public static func clients() -> [Client] {
        let hasher = SHA256SecretHasher()
        return [
            Client(
                id: service.clientID, authentication: .clientSecret(hasher.hash(service.secret)), grantTypes: [.clientCredentials],
                allowedScopes: [.public, .profile]),
            Client(
                id: webApp.clientID, authentication: .clientSecret(hasher.hash(webApp.secret)), redirectURIs: [webAppRedirect],
                grantTypes: [.authorizationCode, .refreshToken]),
        ]
    }

    public init(
        store: any GrantStore, policy: Policy = Policy(), clients: (any ClientStore)? = nil,
        clock: ManualClock = ManualClock(ContractFlow.start)
    ) {
        self.store = store
        self.clock = clock
        server = AuthorizationServer(
            issuer: Self.issuer, policy: policy, clients: clients ?? InMemoryClientStore(Self.clients()),
            store: store, clock: clock)
    }

    // MARK: Issuing

    /// `grant_type=client_credentials` as the service (RFC 6749 §4.4.2).
    public func clientCredentials(scope: String? = nil) async -> OAuthResponse {
        await server.token(
            Self.tokenRequest([("grant_type", "client_credentials"), ("scope", scope)], as: Self.service))
    }

    /// An access token for the service; throws when the server refused.
    public func issueToken(scope: String? = nil) async throws -> String {
        try Tokens(await clientCredentials(scope: scope)).accessToken
    }

    /// A code for the web app, after `subject` approved everything asked (RFC 6749 §4.1.1, §4.1.2).
    public func code(subject: Subject = ContractFlow.alice, scope: String? = nil) async throws -> String {
        let request = RequestBuilder.codeAuthorization(
            client: Self.webApp.clientID, redirectURI: Self.webAppRedirect, scope: scope)
        return try await server.authorizeCode(request, subject: subject)
    }

    /// `grant_type=authorization_code` as the web app (RFC 6749 §4.1.3).
    public func exchange(_ code: String) async -> OAuthResponse {
        await server.token(
            Self.tokenRequest(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.webAppRedirect)],
                as: Self.webApp))
    }

    /// `grant_type=refresh_token` as the web app (RFC 6749 §6).
    public func refresh(_ token: String) async -> OAuthResponse {
        await server.token(
            Self.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", token)], as: Self.webApp))
    }

    /// The web app's whole flow for `subject`: approve, exchange.
    public func signIn(subject: Subject = ContractFlow.alice) async throws -> Tokens {
        try Tokens(await exchange(try await code(subject: subject)))
    }

    // MARK: Verifying and revoking

    /// What the resource guard decides for `Authorization: Bearer token`.
    public func check(_ token: String) async -> ResourceGuard.Decision {
        await server.resourceGuard().check(
            OAuthRequest(method: .get, path: "/resource", headers: ["Authorization": "Bearer \(token)"]),
            requiring: [])
    }

    public func verifies(_ token: String) async -> Bool {
        if case .allowed = await check(token) { return true }
        return false
    }

    /// RFC 7009 revocation by the client the token was issued to.
    public func revoke(_ token: String, as client: BasicCredentials) async -> OAuthResponse {
        await server.revoke(Self.tokenRequest([("token", token)], as: client, path: "/revoke"))
    }

    /// A form POST authenticated with HTTP Basic (RFC 6749 §2.3.1).
    public static func tokenRequest(
        _ parameters: [(String, String?)], as client: BasicCredentials, path: String = "/token"
    ) -> OAuthRequest {
        RequestBuilder.form(path, parameters, as: .basic(client))
    }

    // MARK: Reading responses

    /// The `error` member of an error response (RFC 6749 §5.2), or nil.
    public static func errorCode(of response: OAuthResponse) -> String? { response.oauthError }

    /// A successful token response (RFC 6749 §5.1).
    public typealias Tokens = TokenResponse
}
