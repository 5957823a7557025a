import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// JWS compact parsing and verification (RFC 7515 §5.2, §7.1) over any bytes, for every
/// algorithm Granted meets (RS256, PS256, ES256, EdDSA, HS256, `none`) and every header field
/// (`kid`, `typ`, `cty`, `jwk`, `jku`, `x5c`, `x5u`, `crit`):
/// - a parsed JWS round trips: its parts re-encode to the input, its header re-reads the same,
///   and a JWS signed with its header's `alg`, `kid` and `typ` over its payload parses back;
/// - no `crit` is ever accepted (Granted understands no extension, §4.1.11);
/// - algorithm confusion is refused (RFC 8725 §2.1, §3.1): `none` never verifies, a verifier
///   that accepts anything still refuses a header `alg` other than the one expected, an HMAC
///   keyed with an RSA public key never stands in for RS256, and a registered key never
///   verifies an `alg` it is not pinned to, nor HS256 or `none`;
/// - no input verifies under the HS256 key without being a MAC under it, and claims made from
///   the input sign and verify back.
enum JWSChecks {
    static let none = JWSAlgorithm(rawValue: "none")
    static let algorithms: [JWSAlgorithm] = [.rs256, .ps256, .es256, .edDSA, .hs256, none]

    /// RFC 7515 A.2.1's RSA public key: what an attacker MACs with to pass as RS256.
    static let rsaModulus: [UInt8] = Base64URL.decode(
        "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    ) ?? []
    static let rsaExponent: [UInt8] = [1, 0, 1]
    /// Registered public keys as a client's `jwks` holds them (RFC 7517 §4): RSA unpinned, RSA
    /// pinned to PS256, P-256 pinned to ES256 for signatures, Ed25519 (RFC 8037 A.2), and an
    /// `oct` key, which must never verify anything. Made per input, not kept in a static: at
    /// exit LeakSanitizer reports arrays behind a JWK's enum payload as leaked (see AssertionChecks).
    static func registered() -> [JWK] { [
        JWK(.rsa(modulus: rsaModulus, exponent: rsaExponent), keyID: "rsa-1"),
        JWK(.rsa(modulus: rsaModulus, exponent: rsaExponent), keyID: "rsa-ps", algorithm: .ps256),
        JWK(.ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32)), keyID: "ec-1", use: .signature, algorithm: .es256),
        JWK(.okp(curve: .ed25519, x: Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo") ?? []), keyID: "ed-1"),
        JWK(.oct(key: Array(repeating: 7, count: 32)), keyID: "k1"),
    ] }

    static func check(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        let parsed = JWS.parse(text)
        if let parsed { try requireRoundTrip(text, parsed) }
        try requireNoConfusion(text, parsed, bytes: bytes)
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

    /// RFC 7515 §7.1: the three parts are the strict base64url of header, payload and signature,
    /// each with exactly one encoding; the header re-reads to the same values, with no `crit`.
    static func requireRoundTrip(_ text: String, _ parsed: JWS.Parsed) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try require(parts.count == 3, "parsed with \(parts.count) parts")
        try require(Base64URL.encode(parsed.payload) == parts[1], "payload does not re-encode to its part")
        try require(Base64URL.encode(parsed.signature) == parts[2], "signature does not re-encode to its part")
        try require(parsed.signingInput == Array((parts[0] + "." + parts[1]).utf8), "signing input is not the first two parts")
        guard let headerBytes = Base64URL.decode(parts[0]), let object = JSONReader.object(headerBytes) else {
            throw FuzzFailure("parsed, but the header is not a JSON object")
        }
        try require(Base64URL.encode(headerBytes) == parts[0], "header does not re-encode to its part")
        try require(JWSHeader(json: headerBytes) == parsed.header, "the header re-reads differently")
        try require(object["crit"] == nil, "a crit header was accepted: \(parts[0].prefix(120))")
        try require(object["alg"]?.string == parsed.header.algorithm.rawValue, "alg differs from the header's")
        try require(object["kid"]?.string == parsed.header.keyID, "kid differs from the header's")
        try require(object["typ"]?.string == parsed.header.type, "typ differs from the header's")
        // Signed again with the header's alg, kid and typ over the same payload: parses back the same.
        let again = LabelledMAC(algorithm: parsed.header.algorithm, keyID: parsed.header.keyID)
        do {
            let resigned = try JWS.sign(parsed.payload, type: parsed.header.type, signer: again)
            try require(!parsed.header.algorithm.isUnsecured, "JWS.sign produced alg none")
            // Granted's writer may escape a long kid past the header limit the parser keeps.
            guard resigned.prefix(while: { $0 != "." }).utf8.count <= JWS.maximumHeaderLength else { return }
            guard let back = JWS.parse(resigned, maximumLength: .max) else {
                throw FuzzFailure("a JWS signed over a parsed payload does not parse")
            }
            try require(
                back.payload == parsed.payload && back.header.algorithm == parsed.header.algorithm
                    && back.header.keyID == parsed.header.keyID && back.header.type == parsed.header.type,
                "re-signed header or payload differs")
            try require(
                JWS.verify(resigned, expecting: parsed.header.algorithm, verifiers: [again], maximumLength: .max)
                    == parsed.payload, "re-signed JWS does not verify")
        } catch JWS.SigningError.unsecuredAlgorithm {
            try require(parsed.header.algorithm.isUnsecured, "sign refused \(parsed.header.algorithm.rawValue) as none")
        }
    }

    /// RFC 8725 §2.1, §3.1; RFC 7518 §3.6; RFC 7523 §3 item 9.
    static func requireNoConfusion(_ text: String, _ parsed: JWS.Parsed?, bytes: [UInt8]) throws {
        // Whatever a verifier would accept, only the expected alg, never none, gets that far.
        for expected in algorithms {
            let anything = AcceptAll(algorithm: expected)
            let verified = JWS.verify(text, expecting: expected, verifiers: [anything]) != nil
            try require(
                !verified || (parsed?.header.algorithm == expected && !expected.isUnsecured && parsed?.signature.isEmpty == false),
                "verified as \(expected.rawValue): \(text.prefix(120))")
            for other in algorithms where other != expected {
                try require(
                    JWS.verify(text, expecting: expected, verifiers: [AcceptAll(algorithm: other)]) == nil,
                    "a \(other.rawValue) verifier passed a token expected as \(expected.rawValue)")
            }
        }
        // HMAC keyed with the RSA public key, over the input: never accepted where RS256 is expected.
        if let hmacWithPublicKey = try? HS256Signer(key: rsaModulus), let forged = try? JWS.sign(bytes, signer: hmacWithPublicKey) {
            let expectingRSA: [any SignatureVerifier] = [hmacWithPublicKey, AcceptAll(algorithm: .hs256)]
            try require(JWS.verify(forged, expecting: .rs256, verifiers: expectingRSA) == nil, "HS256 under the RSA key passed as RS256")
            try require(JWS.verify(text, expecting: .rs256, verifiers: expectingRSA) == nil, "an HMAC verifier passed RS256")
        }
        // The engine's key selection for private_key_jwt: for the header's alg and kid and each
        // algorithm, a registered key may verify only an asymmetric alg its type carries and its
        // pin (when set) names, and only under its own kid (RFC 7517 §4.4, §4.5).
        let keyID = parsed?.header.keyID
        let keys = registered()
        for algorithm in algorithms + [parsed?.header.algorithm].compactMap({ $0 }) {
            for key in keys where AuthorizationServer.mayVerify(key, algorithm, keyID: keyID) {
                try require(!algorithm.isSymmetric && !algorithm.isUnsecured, "key \(key.keyID ?? "") may verify \(algorithm.rawValue)")
                try require(key.algorithm == nil || key.algorithm == algorithm, "key pinned to \(key.algorithm?.rawValue ?? "") may verify \(algorithm.rawValue)")
                try require(keyID == nil || key.keyID == keyID, "a key of another kid selected")
                if case .oct = key.key { throw FuzzFailure("an oct key may verify \(algorithm.rawValue)") }
                try require(key.key.canCarry(algorithm), "a \(key.key.keyType) key may verify \(algorithm.rawValue)")
            }
        }
    }

    private static func isOurs(_ text: String, signer: HS256Signer) -> Bool {
        guard let parsed = JWS.parse(text) else { return false }
        let again = try? JWS.sign(parsed.payload, signer: signer)
        return again == text
    }
}

/// A verifier for `algorithm` that accepts every signature: what a confused verifier would be.
/// Whatever it accepts, `JWS.verify` must still pin the algorithm.
struct AcceptAll: SignatureVerifier {
    let algorithm: JWSAlgorithm
    var keyID: String? { nil }
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool { true }
}

/// Signs with HMAC-SHA256 under a fixed key but answers any `alg` label: lets the round trip
/// re-sign a parsed header of any algorithm (the signature's bytes are not what is checked).
struct LabelledMAC: Signer, SignatureVerifier {
    let algorithm: JWSAlgorithm
    let keyID: String?
    func sign(_ signingInput: [UInt8]) -> [UInt8] {
        HMACSHA256(key: Array(repeating: 0x42, count: 32)).authenticationCode(for: signingInput).bytes
    }
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool { sign(signingInput) == signature }
    var publicJWK: JWK? { nil }
    var verifier: (any SignatureVerifier)? { self }
}
