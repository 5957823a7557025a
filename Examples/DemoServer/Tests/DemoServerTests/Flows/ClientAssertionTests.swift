import Foundation
import Granted
import GrantedCrypto
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The contract's JWT client authentication (RFC 7523 §2.2) with a real key: a client registers
/// its ES256 public key, then authenticates with assertions signed by swift-crypto (GrantedCrypto)
/// and checked with the demo's `CryptoKeyVerification`.
@Suite("private_key_jwt over HTTP")
struct ClientAssertionTests {
    static let tokenEndpoint = DemoHarness.issuer + "/token"

    /// A compact JWS of `claims` by `signer` (RFC 7515 §7.1), as a client library makes one.
    static func assertion(_ claims: [String: Any], by signer: AsymmetricSigner) throws -> String {
        var header: [String: Any] = ["alg": signer.algorithm.rawValue, "typ": "JWT"]
        if let keyID = signer.keyID { header["kid"] = keyID }
        let encode = { (object: [String: Any]) throws -> String in
            Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
        }
        let input = try encode(header) + "." + encode(claims)
        return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
    }

    static func claims(_ id: String, audience: String = tokenEndpoint, jti: String = UUID().uuidString) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        return ["iss": id, "sub": id, "aud": audience, "iat": now, "exp": now + 60, "jti": jti]
    }

    static func tokenForm(_ assertion: String) -> [(String, String)] {
        [
            ("grant_type", "client_credentials"), ("scope", "public"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ]
    }

    @Test("register an ES256 key, authenticate with it once per jti; another key, a replay or another audience is invalid_client")
    func privateKeyJWT() async throws {
        let signer = try AsymmetricSigner.generate(.es256)
        let other = try AsymmetricSigner.generate(.es256)
        let jwks = String(decoding: JWKSet(keys: [try #require(signer.publicJWK)]).json, as: UTF8.self)
        try await DemoHarness.run { client in
            let registered = try await client.request(
                .post, "/register", headers: [.contentType: "application/json"],
                body: Array(#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","scope":"public","jwks":\#(jwks)}"#.utf8))
            #expect(registered.status == .created)
            #expect(try registered.json()["client_secret"] == nil)
            let id = try registered.string("client_id")

            let good = try Self.assertion(Self.claims(id), by: signer)
            let issued = try await client.token(Self.tokenForm(good))
            #expect(issued.status == .ok)
            #expect(try issued.string("token_type") == "Bearer")

            let refused = [
                good,  // the same jti again (RFC 7523 §3 item 7)
                try Self.assertion(Self.claims(id), by: other),  // a key the client did not register
                try Self.assertion(Self.claims(id, audience: "https://elsewhere.example/token"), by: signer),
            ]
            for assertion in refused {
                let response = try await client.token(Self.tokenForm(assertion))
                #expect(response.status == .unauthorized)
                #expect(try response.string("error") == "invalid_client")
            }
        }
    }
}
