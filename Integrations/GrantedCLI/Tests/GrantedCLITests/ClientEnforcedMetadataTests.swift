import Foundation
import Granted
import Testing

/// `granted clients add|show` and the metadata the token endpoint enforces from the client:
/// `token_endpoint_auth_signing_alg` (OpenID Connect Registration 1.0 §2) and
/// `dpop_bound_access_tokens` (RFC 9449 §5.2); and `jwks` holding public keys only (RFC 7591 §2).
@Suite("granted clients: the pinned alg, DPoP and public-only jwks", .serialized)
struct ClientEnforcedMetadataTests {
    @Test("a registered client shows both; an oct key in jwks is refused (exit 3)", arguments: Backend.available)
    func registered(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
            let added = try fixture.granted(
                ["clients", "add", "-", "--json"], environment: ["GRANTED_SERVER_KEY": key],
                input: #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"HS256","dpop_bound_access_tokens":true}"#)
            #expect(added.status == 0, "\(added.error)")
            let id = try #require(try added.object()["client_id"] as? String)
            let shown = try fixture.granted(["clients", "show", id, "--json"]).object()
            #expect(shown["token_endpoint_auth_signing_alg"] as? String == "HS256")
            #expect(shown["dpop_bound_access_tokens"] as? Bool == true)

            let secretInJWKS = try fixture.granted(
                ["clients", "add", "-", "--json"],
                input: #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"oct","k":"c2hhcmVkLXNlY3JldA"}]}}"#)
            #expect(secretInJWKS.status == 3)
            #expect(try fixture.granted(["clients", "list", "--json"]).array().count == 1)
        }
    }

    @Test("a configured client shows both, from its record", arguments: Backend.available)
    func configured(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            try await fixture.withServer { server in
                let registry = try #require(server.clients as? any ClientRegistry)
                try await registry.register(
                    Client(
                        id: "configured", authentication: .privateKeyJWT(.jwksURI("https://c.example.com/jwks")),
                        grantTypes: [.clientCredentials], tokenEndpointAuthSigningAlgorithm: .ps256, requiresDPoP: true))
            }
            let shown = try fixture.granted(["clients", "show", "configured", "--json"]).object()
            #expect(shown["token_endpoint_auth_method"] as? String == "private_key_jwt")
            #expect(shown["token_endpoint_auth_signing_alg"] as? String == "PS256")
            #expect(shown["dpop_bound_access_tokens"] as? Bool == true)
        }
    }
}
