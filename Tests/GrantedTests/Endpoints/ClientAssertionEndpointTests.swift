import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// JWT client authentication wherever clients authenticate (RFC 7523 §2.2: "any endpoint"),
/// what the metadata says of it (RFC 8414 §2), and the derived `client_secret_jwt` secrets.
@Suite("Client assertions at every endpoint, in the metadata, and registered")
struct ClientAssertionEndpointTests {
    typealias F = AssertionFixtures
    typealias Kind = ClientAssertionTests.Kind

    static func issueToken(_ server: AuthorizationServer, _ kind: Kind) async throws -> String {
        let response = await server.token(F.tokenRequest(try kind.assertion(), as: kind.client))
        return try #require(try response.jsonObject()["access_token"] as? String, "\(response.bodyText)")
    }

    @Test("revocation authenticates by assertion (RFC 7009 §2.1)", arguments: Kind.allCases)
    func revocation(kind: Kind) async throws {
        let server = F.make()
        let token = try await Self.issueToken(server, kind)
        let revoke = RequestBuilder.revocation(token, as: .assertion(try kind.assertion(), clientID: kind.client))
        #expect(await server.revoke(revoke).status == 200)
        let wrongIssuer = RequestBuilder.revocation(token, as: .assertion(try kind.assertion { $0.issuer = "x" }, clientID: kind.client))
        #expect(await server.revoke(wrongIssuer).errorCode == "invalid_client")
        let introspect = RequestBuilder.introspection(token, as: .assertion(try kind.assertion(), clientID: kind.client))
        #expect(try await server.introspect(introspect).jsonObject()["active"] as? Bool == false)
    }

    @Test("introspection authenticates by assertion (RFC 7662 §2.1)", arguments: Kind.allCases)
    func introspection(kind: Kind) async throws {
        let server = F.make()
        let token = try await Self.issueToken(server, kind)
        let assertion = try kind.assertion()
        let request = RequestBuilder.introspection(token, as: .assertion(assertion, clientID: kind.client))
        let response = await server.introspect(request)
        #expect(try response.jsonObject()["active"] as? Bool == true, "\(response.bodyText)")
        #expect(await server.introspect(request).errorCode == "invalid_client")  // the jti again
    }

    @Test("device authorization authenticates by assertion (RFC 8628 §3.1)")
    func deviceAuthorization() async throws {
        let server = F.make()
        let request = RequestBuilder.form(
            "/device_authorization", [("scope", "public")],
            as: .assertion(try Kind.clientSecretJWT.assertion(), clientID: F.secretClient))
        let response = await server.deviceAuthorization(request)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(await server.deviceAuthorization(request).errorCode == "invalid_client")
    }

    @Test("metadata lists client_secret_jwt, and private_key_jwt only with a PublicKeyVerification (RFC 8414 §2)")
    func metadata() throws {
        for verification in [nil, StandInKeyVerification() as (any PublicKeyVerification)?] {
            let server = F.make(verification: verification)
            let document = try OAuthResponse.json(server.metadataDocument).jsonObject()
            let methods = ["client_secret_basic", "client_secret_post", "none", "client_secret_jwt"]
                + (verification == nil ? [] : ["private_key_jwt"])
            let algorithms = ["HS256"] + (verification == nil ? [] : ["ES256", "RS256", "PS256"])
            #expect(document["token_endpoint_auth_methods_supported"] as? [String] == methods)
            #expect(document["revocation_endpoint_auth_methods_supported"] as? [String] == methods)
            #expect(
                document["introspection_endpoint_auth_methods_supported"] as? [String] == methods.filter { $0 != "none" })
            for endpoint in ["token", "revocation", "introspection"] {
                #expect(document["\(endpoint)_endpoint_auth_signing_alg_values_supported"] as? [String] == algorithms)
            }
        }
    }

    @Test("a symmetric or none algorithm a host lists is never advertised for private_key_jwt")
    func metadataFiltersSymmetric() throws {
        let server = F.make(verification: StandInKeyVerification(algorithms: [.es256, .hs256, JWSAlgorithm(rawValue: "none")]))
        let document = try OAuthResponse.json(server.metadataDocument).jsonObject()
        #expect(document["token_endpoint_auth_signing_alg_values_supported"] as? [String] == ["HS256", "ES256"])
    }

    // MARK: Derived secrets

    @Test("a derived secret works for Basic too, compared against the derivation")
    func derivedSecretBasic() async throws {
        let server = F.make()
        let right = BasicCredentials(clientID: F.secretClient, secret: F.secretClientIssued.secret)
        #expect(await server.token(TestServer.clientCredentials(basic: right)).status == 200)
        let wrong = BasicCredentials(clientID: F.secretClient, secret: F.secretClientIssued.secret + "x")
        #expect(await server.token(TestServer.clientCredentials(basic: wrong)).errorCode == "invalid_client")
    }

    @Test("the stored record alone yields no secret: another server key derives another one")
    func derivedSecretNeedsServerKey() async throws {
        let stored = F.secretClientIssued.stored
        #expect(stored.scheme == "derived")
        #expect(!String(decoding: stored.value, as: UTF8.self).contains(F.secretClientIssued.secret.dropFirst(4)))
        let other = ServerKey(random: SeededRandom(seed: 8))
        #expect(DerivedClientSecret.secret(for: F.secretClient, stored: stored, key: other) != F.secretClientIssued.secret)
        #expect(DerivedClientSecret.secret(for: F.secretClient, stored: stored, key: F.serverKey) == F.secretClientIssued.secret)
        #expect(DerivedClientSecret.secret(for: "another", stored: stored, key: F.serverKey) != F.secretClientIssued.secret)
        // A server with another key refuses the client's assertions.
        let server = AuthorizationServer(
            issuer: F.issuer, clients: F.clients(), clock: ManualClock(F.start), serverKey: other)
        let response = await server.token(F.tokenRequest(try Kind.clientSecretJWT.assertion(), as: F.secretClient))
        #expect(response.errorCode == "invalid_client")
    }

    @Test("issueDerivedClientSecret gives the host a secret and a record to configure a client with")
    func hostIssuedSecret() async throws {
        let (secret, stored) = F.make().issueDerivedClientSecret(for: "configured")
        #expect(secret.hasPrefix("gcs_"))
        #expect(secret.utf8.count == 4 + 43)
        #expect(DerivedClientSecret.secret(for: "configured", stored: stored, key: F.serverKey) == secret)
    }

    @Test("registration issues a client_secret_jwt client a derived secret that keys its assertions (RFC 7591 §3.2.1)")
    func registeredClientSecretJWT() async throws {
        var policy = Policy()
        policy.registration = .open
        let clients = InMemoryClientStore()
        let server = AuthorizationServer(
            issuer: F.issuer, policy: policy, clients: clients, clock: ManualClock(F.start), serverKey: F.serverKey)
        let body = #"{"token_endpoint_auth_method":"client_secret_jwt","grant_types":["client_credentials"]}"#
        let response = await server.register(RegistrationHarness.registration(body))
        #expect(response.status == 201, "\(response.bodyText)")
        let registered = RegistrationHarness.Registered(try response.jsonObject())
        let secret = try #require(registered.secret)
        let id = ClientID(registered.clientID)
        let stored = try #require(try await clients.client(id))
        guard case .clientSecret(let hash, let methods) = stored.authentication else {
            Issue.record("not a secret client")
            return
        }
        #expect(methods == .jwt)
        #expect(hash.scheme == "derived")
        var claims = F.claims(id)
        claims.audience = [F.issuer]
        let assertion = F.sign(claims, try HS256Signer(key: Array(secret.utf8)))
        let token = await server.token(F.tokenRequest(assertion, as: id))
        #expect(token.status == 200, "\(token.bodyText)")
        // Basic is not its method.
        let basic = BasicCredentials(clientID: id, secret: secret)
        #expect(await server.token(TestServer.clientCredentials(basic: basic)).errorCode == "invalid_client")
    }

    @Test("a registered client_secret_basic client switched to client_secret_jwt by PUT keeps its secret, which keys its assertions (RFC 7592 §2.2)")
    func switchedToClientSecretJWT() async throws {
        var policy = Policy()
        policy.registration = .open
        let server = AuthorizationServer(
            issuer: F.issuer, policy: policy, clients: InMemoryClientStore(), clock: ManualClock(F.start),
            serverKey: F.serverKey)
        let body = #"{"token_endpoint_auth_method":"client_secret_basic","grant_types":["client_credentials"]}"#
        let registered = RegistrationHarness.Registered(try await server.register(RegistrationHarness.registration(body)).jsonObject())
        let secret = try #require(registered.secret)
        let update = #"{"client_id":"\#(registered.clientID)","token_endpoint_auth_method":"client_secret_jwt","grant_types":["client_credentials"]}"#
        let put = await server.clientConfiguration(
            RegistrationHarness.configuration(.put, registered.uri, token: registered.accessToken, body: update))
        #expect(put.status == 200, "\(put.bodyText)")
        #expect(try put.jsonObject()["client_secret"] == nil, "the secret is kept, not reissued")
        let id = ClientID(registered.clientID)
        let assertion = F.sign(F.claims(id), try HS256Signer(key: Array(secret.utf8)))
        #expect(await server.token(F.tokenRequest(assertion, as: id)).status == 200)
    }
}
