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
    static func assertion(_ claims: [String: Any], by signer: any Signer) throws -> String {
        let input = try signingInput(claims, algorithm: signer.algorithm.rawValue, keyID: signer.keyID)
        return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
    }

    /// The JWS Signing Input (RFC 7515 §5.1 step 5) of `claims` under a header naming `algorithm`.
    static func signingInput(_ claims: [String: Any], algorithm: String, keyID: String?) throws -> String {
        var header: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let encode = { (object: [String: Any]) throws -> String in
            Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
        }
        return try encode(header) + "." + encode(claims)
    }

    /// Registers a `client_credentials` client with `metadata` merged in; its response.
    static func register(_ client: Client, _ metadata: String) async throws -> TestResponse {
        try await client.request(
            .post, "/register", headers: [.contentType: "application/json"],
            body: Array(#"{"grant_types":["client_credentials"],"scope":"public",\#(metadata)}"#.utf8))
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

    /// What RFC 8725 §2.1 and §3.1 warn about, sent at `/token` against a real RS256 key: an HMAC
    /// keyed with the public key's PEM or JWK bytes, `none`, and PS256 on a key pinned to RS256.
    enum Confusion: String, CaseIterable, Sendable {
        case hs256KeyedWithPEM, hs256KeyedWithJWK, hs256KeyedWithJWKSet, unsecured, ps256OnRS256Key
    }

    static let rsaSigner = Result { try AsymmetricSigner.generate(.rs256) }

    /// The forged assertion of `confusion`, for the client registered with `signer`'s public JWK.
    static func forged(_ confusion: Confusion, _ claims: [String: Any], signer: AsymmetricSigner) throws -> String {
        let jwk = try #require(signer.publicJWK)
        switch confusion {
        case .hs256KeyedWithPEM:
            let key = Array(signer.privateKey.publicKey.pem.utf8)
            return try assertion(claims, by: HS256Signer(key: key, keyID: signer.keyID))
        case .hs256KeyedWithJWK:
            return try assertion(claims, by: HS256Signer(key: jwk.json, keyID: signer.keyID))
        case .hs256KeyedWithJWKSet:
            return try assertion(claims, by: HS256Signer(key: JWKSet(keys: [jwk]).json, keyID: signer.keyID))
        case .unsecured:
            return try signingInput(claims, algorithm: "none", keyID: signer.keyID) + "."
        case .ps256OnRS256Key:
            return try assertion(claims, by: AsymmetricSigner(key: signer.privateKey, algorithm: .ps256, keyID: signer.keyID))
        }
    }

    @Test("algorithm confusion against a registered RS256 key is invalid_client and leaves the jti unused (RFC 8725 §3.1; RFC 7523 §3)",
          arguments: Confusion.allCases)
    func algorithmConfusion(_ confusion: Confusion) async throws {
        let signer = try Self.rsaSigner.get()
        let jwk = try #require(signer.publicJWK)
        #expect(jwk.algorithm == .rs256)
        let jwks = String(decoding: JWKSet(keys: [jwk]).json, as: UTF8.self)
        try await DemoHarness.run { client in
            let registered = try await Self.register(client, #""token_endpoint_auth_method":"private_key_jwt","jwks":\#(jwks)"#)
            #expect(registered.status == .created)
            let id = try registered.string("client_id")
            let jti = UUID().uuidString

            let forged = try Self.forged(confusion, Self.claims(id, jti: jti), signer: signer)
            let refused = try await client.token(Self.tokenForm(forged))
            #expect(refused.status == .unauthorized, "\(confusion)")
            #expect(try refused.string("error") == "invalid_client")

            // Nothing was recorded: the same jti works once in an RS256 assertion, then not again.
            let good = try Self.assertion(Self.claims(id, jti: jti), by: signer)
            #expect(try await client.token(Self.tokenForm(good)).status == .ok)
            let replayed = try await client.token(Self.tokenForm(good))
            #expect(replayed.status == .unauthorized)
            #expect(try replayed.string("error") == "invalid_client")
        }
    }

    @Test("client_secret_jwt: registration issues a secret; an HS256 assertion under it is accepted once (RFC 7523 §2.2, §3 item 7)")
    func clientSecretJWT() async throws {
        try await DemoHarness.run { client in
            let registered = try await Self.register(client, #""token_endpoint_auth_method":"client_secret_jwt""#)
            #expect(registered.status == .created)
            let id = try registered.string("client_id")
            let secret = try registered.string("client_secret")
            #expect(try registered.string("token_endpoint_auth_method") == "client_secret_jwt")

            let assertion = try Self.assertion(Self.claims(id), by: HS256Signer(key: Array(secret.utf8)))
            let issued = try await client.token(Self.tokenForm(assertion))
            #expect(issued.status == .ok)
            #expect(try issued.string("token_type") == "Bearer")

            let refused = [
                assertion,  // the same jti again
                try Self.assertion(Self.claims(id), by: HS256Signer(key: Array((secret + "x").utf8))),
                try Self.assertion(Self.claims(id, audience: "https://elsewhere.example/token"), by: HS256Signer(key: Array(secret.utf8))),
            ]
            for assertion in refused {
                let response = try await client.token(Self.tokenForm(assertion))
                #expect(response.status == .unauthorized)
                #expect(try response.string("error") == "invalid_client")
            }
        }
    }
}
