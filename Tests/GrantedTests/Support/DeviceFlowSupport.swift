import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// A server for the device authorization tests (RFC 8628): a TV (public, device code and refresh),
/// a console (confidential, device code only), a second TV, and a web app that may not use the
/// grant; HS256 ID tokens, an in-memory store and a manual clock.
struct DeviceFlow: Sendable {
    static let tv: ClientID = "tv"
    static let otherTV: ClientID = "other-tv"
    static let console = BasicCredentials(clientID: "console", secret: "console-secret")
    static let webApp = BasicCredentials(clientID: "web", secret: "web-secret")
    static let alice: Subject = "alice"
    static let grantType = "urn:ietf:params:oauth:grant-type:device_code"

    /// The device authorization response (§3.2).
    struct Authorization: Sendable {
        let deviceCode: String
        let userCode: String
        let verificationURI: String
        let verificationURIComplete: String
        let expiresIn: Int
        let interval: Int
    }

    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let clock: ManualClock

    init(policy: Policy = Policy(), paths: EndpointPaths = EndpointPaths(), store: InMemoryGrantStore = InMemoryGrantStore()) {
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(id: Self.tv, name: "Living room TV", grantTypes: [.deviceCode, .refreshToken]),
            Client(id: Self.otherTV, grantTypes: [.deviceCode]),
            Client(
                id: Self.console.clientID, authentication: .clientSecret(hasher.hash(Self.console.secret)),
                grantTypes: [.deviceCode]),
            Client(
                id: Self.webApp.clientID, authentication: .clientSecret(hasher.hash(Self.webApp.secret)),
                redirectURIs: ["https://web.example.com/callback"], grantTypes: [.authorizationCode]),
        ])
        var policy = policy
        policy.allowsSymmetricIDTokenSignatures = true
        clock = ManualClock(TestServer.start)
        self.store = store
        // The `try!`-free way: a 40-byte key always makes a signer.
        let keys = (try? HS256Signer(key: OIDCProvider.key, keyID: "k1")).flatMap { try? SigningKeys(active: $0) }
        server = AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, store: store, clock: clock,
            signingKeys: keys, paths: paths)
    }

    /// POST to the device authorization endpoint (§3.1).
    func request(_ parameters: [(String, String?)], as client: ClientAuth? = .publicClient(DeviceFlow.tv)) async
        -> OAuthResponse
    {
        await server.deviceAuthorization(RequestBuilder.form("/device_authorization", parameters, as: client))
    }

    /// A successful device authorization; fails the test otherwise.
    func authorize(
        scope: String? = nil, resources: [String] = [], as client: ClientAuth = .publicClient(DeviceFlow.tv)
    ) async throws -> Authorization {
        let response = await request([("scope", scope)] + resources.map { ("resource", $0) }, as: client)
        try #require(response.status == 200, "device authorization failed: \(response.bodyText)")
        let json = try response.jsonObject()
        return Authorization(
            deviceCode: try #require(json["device_code"] as? String),
            userCode: try #require(json["user_code"] as? String),
            verificationURI: try #require(json["verification_uri"] as? String),
            verificationURIComplete: try #require(json["verification_uri_complete"] as? String),
            expiresIn: try #require(json["expires_in"] as? Int),
            interval: try #require(json["interval"] as? Int))
    }

    /// A poll of the token endpoint (§3.4).
    func poll(
        _ deviceCode: String, as client: ClientAuth = .publicClient(DeviceFlow.tv), resources: [String] = []
    ) async -> OAuthResponse {
        await server.token(
            RequestBuilder.form(
                "/token", [("grant_type", Self.grantType), ("device_code", deviceCode)] + resources.map { ("resource", $0) },
                as: client))
    }

    /// The user approves on the verification page, signed in as `subject` now.
    @discardableResult
    func approve(_ userCode: String, subject: Subject = DeviceFlow.alice, scopes: ScopeSet? = nil) async throws -> Bool {
        try await server.approveDevice(userCode: userCode, subject: subject, scopes: scopes, authTime: clock.now)
    }

    /// A device authorization approved by alice, polled once the interval has passed: the tokens.
    func signIn(scope: String? = nil) async throws -> (Authorization, OAuthResponse) {
        let authorization = try await authorize(scope: scope)
        try await approve(authorization.userCode)
        return (authorization, await poll(authorization.deviceCode))
    }
}

extension OAuthResponse {
    /// The claims of the `id_token` of a token response, unverified (the flow tests check shape).
    func idTokenClaims() throws -> [String: Any] {
        let token = try #require(try jsonObject()["id_token"] as? String)
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        let payload = try #require(Base64URL.decode(parts[1]))
        return try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
    }
}
