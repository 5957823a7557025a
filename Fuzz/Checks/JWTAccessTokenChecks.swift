import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The resource server's verifier of JWT access tokens (RFC 9068 §4): an input as a token never
/// verifies without the key; an input as the claims of a token signed with the key is accepted
/// only when every check of §4 holds for it.
enum JWTAccessTokenChecks {
    static let issuer = "https://as.example"
    static let resource: ResourceIdentifier = "https://tools.example/mcp"

    static func check(_ bytes: [UInt8]) throws {
        guard let signer = try? HS256Signer(key: FuzzServer.signingKey, keyID: "k1") else {
            throw FuzzFailure("the fuzz key was refused")
        }
        let verifier = JWTAccessToken.Verifier(issuer: issuer, resource: resource, verifiers: [signer], leeway: 5)
        let now = FuzzServer.start

        // The input as a token: it cannot carry a valid HMAC, so it is refused, whatever it is.
        let text = String(decoding: bytes, as: UTF8.self)
        if let claims = try? verifier.verify(text, now: now) {
            throw FuzzFailure("an input verified without the key: \(claims.jwtID.prefix(40))")
        }

        // The input as the payload of a token the key signed, with the right and a wrong `typ`.
        for type in [JWTAccessToken.type, "JWT"] {
            guard let token = try? JWS.sign(bytes, type: type, signer: signer) else { continue }
            let outcome: Result<JWTAccessToken.Claims, JWTAccessToken.Rejection>
            do { outcome = .success(try verifier.verify(token, now: now)) } catch { outcome = .failure(error) }
            guard case .success(let claims) = outcome else { continue }
            try require(type == JWTAccessToken.type, "a token typed \(type) was accepted as an access token")
            // Accepted: the payload must say what §4 requires, read independently of the verifier.
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw FuzzFailure("accepted claims that are not a JSON object")
            }
            try require(object["iss"] as? String == issuer, "accepted another issuer")
            let audience = (object["aud"] as? String).map { [$0] } ?? (object["aud"] as? [String]) ?? []
            try require(audience.contains(resource.rawValue), "accepted a token for another audience")
            try require(claims.expiresAt.timeIntervalSince(now) > -5, "accepted an expired token")
            try require(claims.issuedAt.timeIntervalSince(now) <= 5, "accepted a token issued in the future")
            try require(object["client_id"] as? String == claims.client.rawValue, "client_id read wrong")
        }

        // Round trip: a well-formed token with the input as its subject verifies to that subject.
        var claims = JWTClaims(
            issuer: issuer, subject: text, audience: [resource.rawValue], expiresAt: now + 60, issuedAt: now,
            jwtID: "jti-1")
        claims.extraClaims = [
            JWTClaims.ExtraClaim(name: "client_id", string: "agent"),
            JWTClaims.ExtraClaim(name: "scope", string: "public"),
        ]
        guard let token = try? JWS.sign(claims.serialized(), type: JWTAccessToken.type, signer: signer) else { return }
        let verified = try? verifier.verify(token, now: now)
        try require(text.isEmpty || verified?.subject == text, "sign/verify round trip failed")
    }
}
