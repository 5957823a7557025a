import Foundation
import Granted
import GrantedCrypto
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The contract's sender-constrained tokens (RFC 9449) over HTTP, with real ES256 keys from
/// swift-crypto (GrantedCrypto) checked by the demo's `CryptoKeyVerification`.
@Suite("DPoP over HTTP")
struct DPoPTests {
    static let dpop = HTTPField.Name("DPoP") ?? .authorization
    static let dpopNonce = HTTPField.Name("DPoP-Nonce") ?? .authorization

    /// A proof (RFC 9449 §4.2) by `signer` for `method` `uri`, with `ath` for `accessToken`.
    static func proof(
        _ signer: AsymmetricSigner, _ method: String, _ path: String, accessToken: String? = nil,
        iat: Date = Date()
    ) throws -> String {
        let jwk = try #require(signer.publicJWK)
        let publicOnly = JWK(jwk.key)
        let jwkObject = try JSONSerialization.jsonObject(with: Data(publicOnly.json))
        let header: [String: Any] = ["typ": "dpop+jwt", "alg": "ES256", "jwk": jwkObject]
        var claims: [String: Any] = [
            "htm": method, "htu": DemoHarness.issuer + path, "iat": Int(iat.timeIntervalSince1970),
            "jti": UUID().uuidString,
        ]
        if let accessToken { claims["ath"] = Base64URL.encode(Digest256(hashing: accessToken).bytes) }
        let encode = { (object: [String: Any]) throws -> String in
            Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
        }
        let input = try encode(header) + "." + encode(claims)
        return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
    }

    static func basic(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()]
    }

    /// demo-service's client credentials with `proof`.
    static func serviceToken(_ client: Client, proof: String?) async throws -> TestResponse {
        var headers = basic("demo-service", "demo-service-secret")
        if let proof { headers[Self.dpop] = proof }
        return try await client.post(
            "/token", form: [("grant_type", "client_credentials"), ("scope", "public message.send")], headers: headers)
    }

    static func postMessage(_ client: Client, authorization: String, proof: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: authorization, .contentType: "application/json"]
        if let proof { headers[Self.dpop] = proof }
        return try await client.request(.post, "/messages", headers: headers, body: Array(#"{"to":"bob","text":"hi"}"#.utf8))
    }

    @Test("metadata: dpop_signing_alg_values_supported lists ES256")
    func metadata() async throws {
        try await DemoHarness.run { client in
            let json = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect((json["dpop_signing_alg_values_supported"] as? [String])?.contains("ES256") == true)
        }
    }

    @Test("client credentials with a proof: token_type DPoP, cnf.jkt in introspection; /messages with DPoP works, as Bearer or with a reused proof, another key, wrong htm or htu it is 401 with a DPoP challenge")
    func serviceFlow() async throws {
        let signer = try AsymmetricSigner.generate(.es256)
        let other = try AsymmetricSigner.generate(.es256)
        try await DemoHarness.run { client in
            let issued = try await Self.serviceToken(client, proof: try Self.proof(signer, "POST", "/token"))
            #expect(issued.status == .ok, "\(issued.text)")
            #expect(try issued.string("token_type") == "DPoP")
            let token = try issued.string("access_token")

            let introspection = try await client.post(
                "/introspect", form: [("token", token)], headers: Self.basic("demo-service", "demo-service-secret")).json()
            let jkt = try #require(signer.publicJWK).thumbprint
            #expect((introspection["cnf"] as? [String: Any])?["jkt"] as? String == jkt)
            #expect(introspection["token_type"] as? String == "DPoP")

            let good = try Self.proof(signer, "POST", "/messages", accessToken: token)
            #expect(try await Self.postMessage(client, authorization: "DPoP \(token)", proof: good).status == .created)

            let refusals: [(String, String?)] = [
                ("Bearer \(token)", nil),
                ("DPoP \(token)", good),  // reused
                ("DPoP \(token)", try Self.proof(other, "POST", "/messages", accessToken: token)),
                ("DPoP \(token)", try Self.proof(signer, "GET", "/messages", accessToken: token)),
                ("DPoP \(token)", try Self.proof(signer, "POST", "/user", accessToken: token)),
                ("DPoP \(token)", try Self.proof(signer, "POST", "/messages", accessToken: token, iat: Date() - 600)),
                ("DPoP \(token)", nil),
            ]
            for (authorization, proof) in refusals {
                let response = try await Self.postMessage(client, authorization: authorization, proof: proof)
                #expect(response.status == .unauthorized, "\(authorization.prefix(6)) \(response.text)")
                let challenge = response.headers[.wwwAuthenticate] ?? ""
                #expect(challenge.contains("DPoP algs="), "\(challenge)")
                #expect(challenge.contains(#"error="invalid_token""#) || challenge.contains(#"error="invalid_dpop_proof""#))
            }
        }
    }

    @Test("an invalid proof at /token is 400 invalid_dpop_proof, and issues nothing")
    func invalidProofAtToken() async throws {
        let signer = try AsymmetricSigner.generate(.es256)
        try await DemoHarness.run { client in
            for proof in ["not-a-proof", try Self.proof(signer, "GET", "/token"), try Self.proof(signer, "POST", "/authorize")] {
                let response = try await Self.serviceToken(client, proof: proof)
                #expect(response.status == .badRequest)
                #expect(try response.string("error") == "invalid_dpop_proof")
            }
        }
    }

    @Test("demo-web's code flow with proofs: /user takes DPoP; a confidential client's refresh is not bound, its new token is")
    func codeFlow() async throws {
        let signer = try AsymmetricSigner.generate(.es256)
        let other = try AsymmetricSigner.generate(.es256)
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(webCodeRequest))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            var headers = Self.basic("demo-web", "demo-web-secret")
            headers[Self.dpop] = try Self.proof(signer, "POST", "/token")
            let issued = try await client.post(
                "/token",
                form: [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", DemoHarness.webCallback)],
                headers: headers)
            #expect(try issued.string("token_type") == "DPoP")
            let token = try issued.string("access_token")
            let user = try await client.get(
                "/user",
                headers: [.authorization: "DPoP \(token)", Self.dpop: try Self.proof(signer, "GET", "/user", accessToken: token)])
            #expect(user.status == .ok, "\(user.text)")
            #expect(try await client.get("/user", headers: client.bearer(token)).status == .unauthorized)

            var refreshHeaders = Self.basic("demo-web", "demo-web-secret")
            refreshHeaders[Self.dpop] = try Self.proof(other, "POST", "/token")
            let refreshed = try await client.post(
                "/token", form: [("grant_type", "refresh_token"), ("refresh_token", try issued.string("refresh_token"))],
                headers: refreshHeaders)
            #expect(refreshed.status == .ok, "\(refreshed.text)")
            let next = try refreshed.string("access_token")
            let withOther = try await client.get(
                "/user", headers: [.authorization: "DPoP \(next)", Self.dpop: try Self.proof(other, "GET", "/user", accessToken: next)])
            #expect(withOther.status == .ok)
        }
    }

    @Test("demo-spa's refresh token is bound to its code exchange's key: no proof or another key's is 400 invalid_dpop_proof, the key's refreshes")
    func publicRefreshBound() async throws {
        let signer = try AsymmetricSigner.generate(.es256)
        let other = try AsymmetricSigner.generate(.es256)
        try await DemoHarness.run { client in
            let redirect = try await client.authorize(authorizeURI(CodeFlowTests.spaRequest))
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            let issued = try await client.post(
                "/token",
                form: [
                    ("grant_type", "authorization_code"), ("code", code), ("client_id", "demo-spa"),
                    ("redirect_uri", DemoHarness.spaCallback),
                    ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),  // RFC 7636 Appendix B
                ],
                headers: [Self.dpop: try Self.proof(signer, "POST", "/token")])
            #expect(issued.status == .ok, "\(issued.text)")
            #expect(try issued.string("token_type") == "DPoP")
            let refresh = [
                ("grant_type", "refresh_token"), ("refresh_token", try issued.string("refresh_token")),
                ("client_id", "demo-spa"),
            ]
            for proof in [nil, try Self.proof(other, "POST", "/token")] {
                var headers: HTTPFields = [:]
                if let proof { headers[Self.dpop] = proof }
                let refused = try await client.post("/token", form: refresh, headers: headers)
                #expect(refused.status == .badRequest, "\(refused.text)")
                #expect(try refused.string("error") == "invalid_dpop_proof")
            }
            let refreshed = try await client.post(
                "/token", form: refresh, headers: [Self.dpop: try Self.proof(signer, "POST", "/token")])
            #expect(refreshed.status == .ok, "\(refreshed.text)")
            #expect(try refreshed.string("token_type") == "DPoP")
        }
    }
}
