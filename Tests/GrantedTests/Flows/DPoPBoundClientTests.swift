import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// RFC 9449 §5.2 `dpop_bound_access_tokens`: "If the value is true, the authorization server
/// MUST reject token requests from this client that do not contain the DPoP header." Each grant
/// below fails without the check at the token endpoint (`refusedWithoutProof`): a confidential
/// client's code, refresh token and client credentials, and a public client's device code, are
/// otherwise all redeemed as bearer tokens.
@Suite("DPoP-bound clients: every token request carries a proof (RFC 9449 §5.2)")
struct DPoPBoundClientTests {
    static let service = BasicCredentials(clientID: "bound-service", secret: "bound-service-secret")
    static let web = BasicCredentials(clientID: "bound-web", secret: "bound-web-secret")
    static let tv: ClientID = "bound-tv"
    static let free = BasicCredentials(clientID: "free-service", secret: "free-service-secret")
    static let redirect = "https://bound.example.com/callback"
    static let pkce = PKCEPair(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    static let key = DPoPKey(seed: 21)

    let server: AuthorizationServer

    init() {
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(
                id: Self.service.clientID, authentication: .clientSecret(hasher.hash(Self.service.secret)),
                grantTypes: [.clientCredentials], requiresDPoP: true),
            Client(
                id: Self.web.clientID, authentication: .clientSecret(hasher.hash(Self.web.secret)),
                redirectURIs: [Self.redirect], grantTypes: [.authorizationCode, .refreshToken], requiresDPoP: true),
            Client(id: Self.tv, grantTypes: [.deviceCode], requiresDPoP: true),
            Client(
                id: Self.free.clientID, authentication: .clientSecret(hasher.hash(Self.free.secret)),
                grantTypes: [.clientCredentials]),
        ])
        server = AuthorizationServer(
            issuer: TestServer.issuer, clients: clients, clock: ManualClock(TestServer.start),
            serverKey: ServerKey(random: SeededRandom(seed: 21)), publicKeyVerification: StandInKeyVerification())
    }

    /// `request` with one fresh proof of `key`, or none.
    static func sending(_ request: OAuthRequest, proof: Bool) -> OAuthRequest {
        var request = request
        if proof { request.headers.append("DPoP", key.proof()) }
        return request
    }

    /// One token request of each grant, made ready (a code, a refresh token, an approved device
    /// code) so that it would succeed with a proof.
    enum Grant: String, CaseIterable, Sendable {
        case clientCredentials, authorizationCode, refreshToken, deviceCode

        func request(on server: AuthorizationServer) async throws -> OAuthRequest {
            switch self {
            case .clientCredentials:
                return RequestBuilder.clientCredentials(as: .basic(DPoPBoundClientTests.service))
            case .authorizationCode:
                return RequestBuilder.authorizationCode(
                    try await code(on: server), redirectURI: DPoPBoundClientTests.redirect,
                    verifier: DPoPBoundClientTests.pkce.verifier, as: .basic(DPoPBoundClientTests.web))
            case .refreshToken:
                let exchange = RequestBuilder.authorizationCode(
                    try await code(on: server), redirectURI: DPoPBoundClientTests.redirect,
                    verifier: DPoPBoundClientTests.pkce.verifier, as: .basic(DPoPBoundClientTests.web))
                let tokens = await server.token(DPoPBoundClientTests.sending(exchange, proof: true))
                try #require(tokens.status == 200, "\(tokens.bodyText)")
                let refreshToken = try #require(try tokens.jsonObject()["refresh_token"] as? String)
                return RequestBuilder.refreshToken(refreshToken, as: .basic(DPoPBoundClientTests.web))
            case .deviceCode:
                let started = await server.deviceAuthorization(
                    RequestBuilder.form("/device_authorization", [], as: .publicClient(DPoPBoundClientTests.tv)))
                let json = try started.jsonObject()
                let deviceCode = try #require(json["device_code"] as? String)
                let userCode = try #require(json["user_code"] as? String)
                try #require(
                    try await server.approveDevice(userCode: userCode, subject: "alice", scopes: nil, authTime: TestServer.start))
                return RequestBuilder.form(
                    "/token", [("grant_type", GrantType.deviceCode.rawValue), ("device_code", deviceCode)],
                    as: .publicClient(DPoPBoundClientTests.tv))
            }
        }

        private func code(on server: AuthorizationServer) async throws -> String {
            let parameters = RequestBuilder.codeRequestParameters(
                client: DPoPBoundClientTests.web.clientID, redirectURI: DPoPBoundClientTests.redirect, scope: "public",
                challenge: DPoPBoundClientTests.pkce)
            return try await server.authorizeCode(RequestBuilder.authorize(parameters), subject: "alice")
        }
    }

    @Test("without a proof: 400 invalid_dpop_proof, and the grant stays usable with one", arguments: Grant.allCases)
    func refusedWithoutProof(grant: Grant) async throws {
        let request = try await grant.request(on: server)
        let refused = await server.token(Self.sending(request, proof: false))
        #expect(refused.status == 400)
        #expect(refused.errorCode == "invalid_dpop_proof")
        #expect(try refused.jsonObject()["access_token"] == nil)
        // Nothing was consumed: the same code, refresh token or device code works with a proof.
        let accepted = await server.token(Self.sending(request, proof: true))
        #expect(accepted.status == 200, "\(accepted.bodyText)")
        #expect(try accepted.jsonObject()["token_type"] as? String == "DPoP")
    }

    @Test("a client registered without it may still go without a proof (§5.2: default false)")
    func notRequired() async throws {
        let response = await server.token(RequestBuilder.clientCredentials(as: .basic(Self.free)))
        #expect(response.status == 200)
        #expect(try response.jsonObject()["token_type"] as? String == "Bearer")
    }

    @Test("registered through the endpoint: echoed on registration and read, and enforced")
    func registered() async throws {
        var policy = Policy()
        policy.registration = .open
        let server = AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: InMemoryClientStore(),
            clock: ManualClock(TestServer.start), publicKeyVerification: StandInKeyVerification())
        let response = try #require(
            await server.handle(
                RegistrationHarness.registration(
                    #"{"grant_types":["client_credentials"],"scope":"public","dpop_bound_access_tokens":true}"#)))
        #expect(response.status == 201, "\(response.bodyText)")
        let registered = RegistrationHarness.Registered(try response.jsonObject())
        #expect(registered["dpop_bound_access_tokens"] as? Bool == true)
        let read = try #require(
            await server.handle(RegistrationHarness.configuration(.get, registered.uri, token: registered.accessToken)))
        #expect(try read.jsonObject()["dpop_bound_access_tokens"] as? Bool == true)

        let request = RequestBuilder.clientCredentials(as: .basic(registered.credentials))
        #expect(await server.token(Self.sending(request, proof: false)).errorCode == "invalid_dpop_proof")
        #expect(await server.token(Self.sending(request, proof: true)).status == 200)
    }
}
