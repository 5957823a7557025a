import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// JWS compact parsing and verification: no input verifies without the key (no `none`, no
/// algorithm confusion); what Granted signs verifies back to the same claims.
enum JWSChecks {
    static func check(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = JWS.parse(text)
        guard let signer = try? HS256Signer(key: FuzzServer.signingKey, keyID: "k1") else {
            throw FuzzFailure("the fuzz key was refused")
        }
        let forged = JWS.verify(text, expecting: .hs256, verifiers: [signer])
        // An input may be a token signed with the key only if the fuzzer found an HMAC: impossible.
        try require(forged == nil || isOurs(text, signer: signer), "an input verified: \(text.prefix(120))")
        // Round trip: sign claims made from the input and verify them back.
        let claims = JWTClaims(
            issuer: "https://as.example", subject: text, audience: ["web"],
            expiresAt: FuzzServer.start + 3600, issuedAt: FuzzServer.start, nonce: String(text.prefix(40)))
        guard let token = try? JWT.sign(claims, signer: signer) else { return }
        let verified = try? JWT.verify(token, expecting: .hs256, verifiers: [signer], now: FuzzServer.start, leeway: 0)
        try require(verified?.subject == text && verified?.nonce == claims.nonce, "sign/verify round trip failed")
    }

    private static func isOurs(_ text: String, signer: HS256Signer) -> Bool {
        guard let parsed = JWS.parse(text) else { return false }
        let again = try? JWS.sign(parsed.payload, signer: signer)
        return again == text
    }
}
