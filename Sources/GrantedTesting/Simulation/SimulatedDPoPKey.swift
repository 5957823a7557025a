import Foundation
import Granted

/// A client's DPoP key in the simulation and the proofs it makes (RFC 9449 §4.2). The root
/// package has no public-key crypto (Foundation only), so a proof is "signed" with HMAC-SHA256
/// under the key's public coordinates, and `SimulatedKeyVerification` checks exactly that: a
/// stand-in for ES256 that exercises the engine's DPoP rules (binding, `jti`, `ath`, `htu`),
/// not cryptography. Never use it outside tests.
struct SimulatedDPoPKey: Sendable {
    let jwk: JWK

    init(random: inout SplitMix64) {
        let coordinates = (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }
        jwk = JWK(.ec(curve: .p256, x: Array(coordinates[..<32]), y: Array(coordinates[32...])))
    }

    /// The JWK SHA-256 thumbprint a token bound to this key carries (RFC 7638; RFC 9449 §6.1).
    var thumbprint: String { jwk.thumbprint }

    /// A compact proof of a `method` request to `uri` at `now` (§4.2), with `ath` for
    /// `accessToken` (§7.1) and the server's `nonce` (§8) when given.
    func proof(
        method: String, uri: String, at now: Date, jwtID: String, accessToken: String? = nil, nonce: String? = nil
    ) -> String {
        let header = #"{"typ":"dpop+jwt","alg":"ES256","jwk":"# + String(decoding: jwk.json, as: UTF8.self) + "}"
        var claims = #"{"htm":"\#(method)","htu":"\#(uri)","iat":\#(Int(now.timeIntervalSince1970)),"jti":"\#(jwtID)""#
        if let accessToken {
            claims += #","ath":""# + Base64URL.encode(Digest256(hashing: accessToken).bytes) + #"""#
        }
        if let nonce { claims += #","nonce":""# + nonce + #"""# }
        claims += "}"
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature = SimulatedKeyVerification.signer(for: jwk)?.sign(Array(input.utf8)) ?? []
        return input + "." + Base64URL.encode(signature)
    }
}

/// Verifies `SimulatedDPoPKey`'s stand-in signatures (see there): ES256 in name, an HMAC under
/// the key's public coordinates in fact.
struct SimulatedKeyVerification: PublicKeyVerification {
    var algorithms: [JWSAlgorithm] { [.es256] }

    func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)? {
        guard algorithm == .es256, let signer = Self.signer(for: jwk) else { return nil }
        return Verifier(signer: signer)
    }

    static func signer(for jwk: JWK) -> HS256Signer? {
        guard case .ec(.p256, let x, let y) = jwk.key else { return nil }
        return try? HS256Signer(key: x + y)
    }

    private struct Verifier: SignatureVerifier {
        let signer: HS256Signer
        var algorithm: JWSAlgorithm { .es256 }
        var keyID: String? { nil }
        func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
            signer.verify(signature, for: signingInput)
        }
    }
}
