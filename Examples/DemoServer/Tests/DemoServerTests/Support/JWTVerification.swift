import Crypto
import Foundation
import Granted
import Testing
import _CryptoExtras

/// Checks an RS256 JWS against the server's JWK Set with swift-crypto's public key from `n` and
/// `e`, independently of the signer that made it; answers the header and claims.
func verifyRS256(_ jws: String, jwks: [String: Any]) throws -> (header: [String: Any], claims: [String: Any]) {
    let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
    try #require(parts.count == 3)
    let header = try jsonObject(base64url: parts[0])
    let claims = try jsonObject(base64url: parts[1])
    #expect(header["alg"] as? String == "RS256")
    let kid = try #require(header["kid"] as? String)
    let keys = try #require(jwks["keys"] as? [[String: Any]])
    let jwk = try #require(keys.first { $0["kid"] as? String == kid }, "the kid \(kid) is published")
    let nText = try #require(jwk["n"] as? String)
    let eText = try #require(jwk["e"] as? String)
    let n = try #require(Base64URL.decode(nText))
    let e = try #require(Base64URL.decode(eText))
    let key = try _RSA.Signing.PublicKey(n: n, e: e)
    let signature = try #require(Base64URL.decode(parts[2]))
    let digest = Crypto.SHA256.hash(data: Array("\(parts[0]).\(parts[1])".utf8))
    #expect(
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5),
        "the RS256 signature verifies against the JWKS")
    return (header, claims)
}

func jsonObject(base64url text: Substring) throws -> [String: Any] {
    let bytes = try #require(Base64URL.decode(text))
    return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

/// OpenID Connect Core §3.3.2.11: base64url of the left half of SHA-256 of the value.
func leftHalfHash(_ value: String) -> String {
    Base64URL.encode(Array(Crypto.SHA256.hash(data: Array(value.utf8)).prefix(16)))
}
