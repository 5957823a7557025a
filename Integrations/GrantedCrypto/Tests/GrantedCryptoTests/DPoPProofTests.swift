import Foundation
import Granted
import GrantedCrypto
import Testing

/// Real ES256 DPoP proofs (RFC 9449 §4.2) through the core's checks (§4.3, §5, §7.1), with
/// `CryptoKeyVerification` as the server's `PublicKeyVerification`: the core's own tests use a
/// stand-in signature; this is the one place a real public-key signature is verified end to end.
@Suite("DPoP with real ES256 proofs (RFC 9449 §4.3, §5, §7.1)")
struct DPoPProofTests {
    static let issuer = "https://server.example.com"
    static let service = BasicCredentials(clientID: "dpop-service", secret: "dpop-service-secret")

    static func server() -> AuthorizationServer {
        AuthorizationServer(
            issuer: issuer,
            clients: InMemoryClientStore([
                Client(
                    id: service.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(service.secret)),
                    grantTypes: [.clientCredentials])
            ]),
            publicKeyVerification: CryptoKeyVerification())
    }

    /// A proof signed by `signer`, carrying `shown`'s public JWK (normally the signer's own).
    static func proof(
        _ signer: AsymmetricSigner, shown: JWK? = nil, method: String, uri: String, accessToken: String? = nil
    ) throws -> String {
        let jwk = try #require(shown ?? signer.publicJWK)
        let header = #"{"typ":"dpop+jwt","alg":"ES256","jwk":"# + String(decoding: JWK(jwk.key).json, as: UTF8.self) + "}"
        var claims = #"{"htm":"\#(method)","htu":"\#(uri)","iat":\#(Int(Date().timeIntervalSince1970)),"jti":"\#(UUID().uuidString)""#
        if let accessToken { claims += #","ath":"\#(Base64URL.encode(Digest256(hashing: accessToken).bytes))""# }
        claims += "}"
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
    }

    static func tokenRequest(_ proof: String) -> OAuthRequest {
        var request = OAuthRequest.form(
            "/token", "grant_type=client_credentials",
            headers: ["Authorization": "Basic " + Data("\(service.clientID.rawValue):\(service.secret)".utf8).base64EncodedString()])
        request.headers.append("DPoP", proof)
        return request
    }

    static func resourceRequest(_ token: String, _ proof: String) -> OAuthRequest {
        var request = OAuthRequest(method: .get, path: "/api/me", headers: ["Authorization": "DPoP \(token)"])
        request.headers.append("DPoP", proof)
        return request
    }

    @Test("an ES256 proof binds the token to its key's thumbprint, and the key's next proof is let through at the resource")
    func boundAndAccepted() async throws {
        let server = Self.server()
        let key = try AsymmetricSigner.generate(.es256)
        let jwk = try #require(key.publicJWK)
        let response = await server.token(Self.tokenRequest(try Self.proof(key, method: "POST", uri: Self.issuer + "/token")))
        #expect(response.status == 200, "\(response.bodyText)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(body["token_type"] as? String == "DPoP")
        let token = try #require(body["access_token"] as? String)
        let proof = try Self.proof(key, method: "GET", uri: Self.issuer + "/api/me", accessToken: token)
        guard case .allowed(let grant) = await server.resourceGuard().check(Self.resourceRequest(token, proof), requiring: [])
        else { Issue.record("the key's proof was refused"); return }
        #expect(grant.keyThumbprint == jwk.thumbprint)
        // §11.1: the same proof again is refused.
        guard case .denied(_, let error) = await server.resourceGuard().check(Self.resourceRequest(token, proof), requiring: [])
        else { Issue.record("a replayed proof was let through"); return }
        #expect(error?.code == "invalid_dpop_proof")
    }

    @Test("§4.3 step 6: a proof whose signature is not by the key in its jwk header is refused at the token endpoint")
    func forgedSignatureRefused() async throws {
        let server = Self.server()
        let key = try AsymmetricSigner.generate(.es256)
        let forger = try AsymmetricSigner.generate(.es256)
        let shown: JWK = try #require(key.publicJWK)
        let forged = try Self.proof(forger, shown: shown, method: "POST", uri: Self.issuer + "/token")
        let response = await server.token(Self.tokenRequest(forged))
        #expect(response.status == 400, "\(response.bodyText)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(body["error"] as? String == "invalid_dpop_proof")
    }

    @Test("§7.1: another ES256 key's proof for a bound token is refused at the resource")
    func anotherKeyRefused() async throws {
        let server = Self.server()
        let key = try AsymmetricSigner.generate(.es256)
        let other = try AsymmetricSigner.generate(.es256)
        let response = await server.token(Self.tokenRequest(try Self.proof(key, method: "POST", uri: Self.issuer + "/token")))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let token = try #require(body["access_token"] as? String)
        let proof = try Self.proof(other, method: "GET", uri: Self.issuer + "/api/me", accessToken: token)
        guard case .denied(_, let error) = await server.resourceGuard().check(Self.resourceRequest(token, proof), requiring: [])
        else { Issue.record("another key's proof was let through"); return }
        #expect(error?.code == "invalid_dpop_proof")
    }
}
