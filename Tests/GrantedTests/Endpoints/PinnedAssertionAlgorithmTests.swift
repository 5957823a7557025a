import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// `token_endpoint_auth_signing_alg` (OpenID Connect Registration 1.0 §2): "All Token Requests
/// using these authentication methods from this Client MUST be rejected if the JWT is not signed
/// with this algorithm." The MUST fails without the check in `assertionVerifiers`: an RSA key
/// registered without `alg` verifies RS256 and PS256 alike (`otherAlgorithmRefused`).
@Suite("Client assertions: the registered token_endpoint_auth_signing_alg (OIDC Registration §2)")
struct PinnedAssertionAlgorithmTests {
    typealias F = AssertionFixtures

    static let pinnedClient: ClientID = "pinned-rsa-client"
    /// An RSA key without `alg`: by the key alone, RS256 and PS256 both verify.
    static let key = JWK(.rsa(modulus: Array(repeating: 9, count: 256), exponent: [1, 0, 1]), keyID: "rsa-any")

    static func server(pinning algorithm: JWSAlgorithm?, store: InMemoryGrantStore = InMemoryGrantStore())
        -> AuthorizationServer
    {
        let clients = F.clients()
        clients.register(
            Client(
                id: pinnedClient, authentication: .privateKeyJWT(.jwks(JWKSet(keys: [key]))),
                grantTypes: [.clientCredentials], tokenEndpointAuthSigningAlgorithm: algorithm))
        var secretClient = clients.lookup(F.secretClient)
        secretClient?.tokenEndpointAuthSigningAlgorithm = .hs256
        if let secretClient { clients.register(secretClient) }
        return AuthorizationServer(
            issuer: F.issuer, clients: clients, store: store, clock: ManualClock(F.start), serverKey: F.serverKey,
            publicKeyVerification: StandInKeyVerification())
    }

    static func assertion(_ algorithm: JWSAlgorithm, jti: String = UUID().uuidString) -> String {
        F.sign(F.claims(pinnedClient, jti: jti), F.signer(key, algorithm))
    }

    @Test("unpinned, the key verifies RS256 and PS256 alike: the gap the registered alg closes")
    func unpinnedTakesEither() async {
        let server = Self.server(pinning: nil)
        for algorithm in [JWSAlgorithm.rs256, .ps256] {
            #expect(await server.token(F.tokenRequest(Self.assertion(algorithm), as: Self.pinnedClient)).status == 200)
        }
    }

    @Test(
        "pinned, an assertion by any other alg is invalid_client and records nothing",
        arguments: [(JWSAlgorithm.rs256, JWSAlgorithm.ps256), (.ps256, .rs256)])
    func otherAlgorithmRefused(pinned: JWSAlgorithm, other: JWSAlgorithm) async {
        let store = InMemoryGrantStore()
        let server = Self.server(pinning: pinned, store: store)
        let refused = await server.token(F.tokenRequest(Self.assertion(other, jti: "one"), as: Self.pinnedClient))
        #expect(refused.status == 401)
        #expect(refused.errorCode == "invalid_client")
        // The refused assertion's jti was not used up: one by the pinned alg under it passes.
        let accepted = await server.token(F.tokenRequest(Self.assertion(pinned, jti: "one"), as: Self.pinnedClient))
        #expect(accepted.status == 200, "\(accepted.bodyText)")
    }

    @Test("a client_secret_jwt client pinned to HS256 still authenticates with HS256")
    func secretClientPinned() async throws {
        let server = Self.server(pinning: .rs256)
        let assertion = F.sign(F.claims(F.secretClient), try F.secretSigner())
        #expect(await server.token(F.tokenRequest(assertion, as: F.secretClient)).status == 200)
    }

    @Test("registered through the endpoint: echoed on registration and read, and enforced (RFC 7591 §3.2.1)")
    func registeredAndEnforced() async throws {
        var policy = Policy()
        policy.registration = .open
        let server = AuthorizationServer(
            issuer: F.issuer, policy: policy, clients: InMemoryClientStore(), clock: ManualClock(F.start),
            serverKey: F.serverKey, publicKeyVerification: StandInKeyVerification())
        let jwk = String(decoding: Self.key.json, as: UTF8.self)
        let response = try #require(
            await server.handle(
                RegistrationHarness.registration(
                    #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"PS256","jwks":{"keys":[\#(jwk)]}}"#
                )))
        #expect(response.status == 201, "\(response.bodyText)")
        let registered = RegistrationHarness.Registered(try response.jsonObject())
        #expect(registered["token_endpoint_auth_signing_alg"] as? String == "PS256")
        let read = try #require(
            await server.handle(RegistrationHarness.configuration(.get, registered.uri, token: registered.accessToken)))
        #expect(try read.jsonObject()["token_endpoint_auth_signing_alg"] as? String == "PS256")

        let id = ClientID(registered.clientID)
        func assertion(_ algorithm: JWSAlgorithm) -> String { F.sign(F.claims(id), F.signer(Self.key, algorithm)) }
        #expect(await server.token(F.tokenRequest(assertion(.rs256), as: id)).errorCode == "invalid_client")
        #expect(await server.token(F.tokenRequest(assertion(.ps256), as: id)).status == 200)
    }

    @Test(
        "an algorithm this server does not verify, or DPoP without DPoP on, is invalid_client_metadata (RFC 7591 §3.2.2)",
        arguments: [
            (#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"ES512","jwks_uri":"https://k.example.com/jwks"}"#, true),
            (#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"ES256","jwks_uri":"https://k.example.com/jwks"}"#, false),
            (#"{"grant_types":["client_credentials"],"dpop_bound_access_tokens":true}"#, false),
        ])
    func unsupported(body: String, withVerification: Bool) async throws {
        var policy = Policy()
        policy.registration = .open
        let clients = InMemoryClientStore()
        let server = AuthorizationServer(
            issuer: F.issuer, policy: policy, clients: clients, clock: ManualClock(F.start), serverKey: F.serverKey,
            publicKeyVerification: withVerification ? StandInKeyVerification() : nil)
        let response = try #require(await server.handle(RegistrationHarness.registration(body)))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_client_metadata")
        #expect(try await clients.clientIDs().isEmpty)
    }
}
