import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("metadata and JWK Set")
struct MetadataTests {
    @Test(
        "both metadata documents list every endpoint and capability of the contract",
        arguments: ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
    func metadata(path: String) async throws {
        try await DemoHarness.run { client in
            let response = try await client.get(path)
            #expect(response.status == .ok)
            let document = try response.json()
            let issuer = DemoHarness.issuer
            #expect(document["issuer"] as? String == issuer)
            #expect(document["authorization_endpoint"] as? String == issuer + "/authorize")
            #expect(document["token_endpoint"] as? String == issuer + "/token")
            #expect(document["revocation_endpoint"] as? String == issuer + "/revoke")
            #expect(document["introspection_endpoint"] as? String == issuer + "/introspect")
            #expect(document["userinfo_endpoint"] as? String == issuer + "/userinfo")
            #expect(document["jwks_uri"] as? String == issuer + "/.well-known/jwks.json")
            #expect(document["device_authorization_endpoint"] as? String == issuer + "/device_authorization")
            let list = { (name: String) in Set(document[name] as? [String] ?? []) }
            #expect(list("grant_types_supported").isSuperset(of: [
                "authorization_code", "client_credentials", "refresh_token", "implicit",
                "urn:ietf:params:oauth:grant-type:device_code",
            ]))
            #expect(list("response_types_supported").isSuperset(of: ["code", "token", "code id_token", "id_token", "id_token token"]))
            #expect(list("scopes_supported").isSuperset(of: ["public", "message.send", "openid", "profile", "email"]))
            #expect(
                list("token_endpoint_auth_methods_supported")
                    == ["client_secret_basic", "client_secret_post", "none", "client_secret_jwt", "private_key_jwt"])
            #expect(list("token_endpoint_auth_signing_alg_values_supported").isSuperset(of: ["HS256", "ES256", "RS256"]))
            #expect(list("code_challenge_methods_supported") == ["S256"])
            #expect(list("id_token_signing_alg_values_supported") == ["RS256"])
            #expect(list("response_modes_supported").isSuperset(of: ["query", "fragment", "form_post"]))
            // Every endpoint named there answers at that path (none is a 404).
            for name in ["token_endpoint", "revocation_endpoint", "introspection_endpoint", "userinfo_endpoint", "jwks_uri", "authorization_endpoint", "device_authorization_endpoint"] {
                let url = try #require(document[name] as? String)
                let answer = try await client.get(String(url.dropFirst(issuer.count)))
                #expect(answer.status != .notFound, "\(name)")
            }
        }
    }

    @Test("the JWK Set publishes the RS256 public key and nothing private")
    func jwks() async throws {
        try await DemoHarness.run { client in
            let response = try await client.get("/.well-known/jwks.json")
            #expect(response.status == .ok)
            let keys = try #require(try response.json()["keys"] as? [[String: Any]])
            try #require(keys.count == 1)
            let key = keys[0]
            #expect(key["kty"] as? String == "RSA")
            #expect(key["use"] as? String == "sig")
            #expect(key["alg"] as? String == "RS256")
            #expect(key["e"] as? String == "AQAB")
            #expect((key["n"] as? String)?.count == 342, "a 2048-bit modulus, base64url without padding")
            #expect(key["kid"] is String)
            #expect(Set(key.keys) == ["kty", "kid", "use", "alg", "n", "e"])
        }
    }
}
