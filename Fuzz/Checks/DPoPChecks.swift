import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @_spi(Testing) @testable import Granted
#endif

/// DPoP proofs (RFC 9449 §4.3): whatever the bytes, the parser and the verifier never crash; a
/// proof the verifier accepts satisfies every check on an independent re-reading, and never
/// works twice.
///
/// The first byte picks what the rest is: 0, the whole `DPoP` header; 1, the proof's header
/// JSON over valid claims, "signed" for the key the header names (so the header checks are what
/// the fuzzer explores); 2, the claims JSON under a valid header, signed (the claim checks).
/// "Signed" is `StandInVerification`'s MAC: the fuzz binary has no public-key crypto.
enum DPoPChecks {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let uri = "https://as.example/token"
    /// Made per use: a static JWK would stay alive until exit, where LeakSanitizer reports its
    /// arrays (behind enum payload pointers) as leaked, as the assertion target found.
    static var key: JWK { JWK(.ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32))) }
    static var header: String {
        #"{"typ":"dpop+jwt","alg":"ES256","jwk":"# + String(decoding: key.json, as: UTF8.self) + "}"
    }

    /// Counts the inputs this task's checks accept, so a test can see the accepting branch is
    /// reached (a counter of the task's own: other tests run the same target at the same time).
    @TaskLocal static var acceptances: Locked<Int>?

    static func check(_ bytes: [UInt8]) async throws {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        let proof: String
        switch mode % 3 {
        case 0: proof = String(decoding: rest, as: UTF8.self)
        case 1:
            let claims = #"{"htm":"POST","htu":"https://as.example/token","iat":1700000000,"jti":"\#(SHA256.hash(bytes).hex)"}"#
            proof = signed(header: rest, payload: Array(claims.utf8))
        default:
            proof = signed(header: Array(header.utf8), payload: rest)
        }
        _ = try? DPoPProof(proof)
        let verifier = DPoPVerifier(
            verification: StandInVerification(), store: InMemoryGrantStore(), serverKey: AssertionChecks.serverKey)
        let request = OAuthRequest(method: .post, path: "/token", headers: ["DPoP": proof])
        let thumbprint: String?
        do {
            thumbprint = try await verifier.verify(request, uri: uri, accessToken: nil, now: start)
        } catch {
            switch error {
            case .invalidDPoPProof, .useDPoPNonce: return
            default: throw FuzzFailure("unexpected error \(error.code) for \(proof.prefix(200))")
            }
        }
        acceptances?.withLock { $0 += 1 }
        try requireAcceptable(proof, thumbprint: thumbprint)
        do {
            _ = try await verifier.verify(request, uri: uri, accessToken: nil, now: start)
            throw FuzzFailure("an accepted proof worked twice: \(proof.prefix(200))")
        } catch let error as OAuthError {
            try require(error.code == "invalid_dpop_proof", "a replay answered \(error.code)")
        }
    }

    /// The checks of §4.3, re-done independently of the verifier on a proof it accepted.
    static func requireAcceptable(_ proof: String, thumbprint: String?) throws {
        guard let parsed = JWS.parse(proof), let claims = JWTClaims(json: parsed.payload),
            let dot = proof.firstIndex(of: "."), let headerBytes = Base64URL.decode(proof[..<dot]),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
            let jwk = header["jwk"] as? [String: Any]
        else { throw FuzzFailure("accepted but unparseable: \(proof.prefix(200))") }
        try require(parsed.header.type == "dpop+jwt", "accepted typ \(parsed.header.type ?? "nil")")
        try require(parsed.header.algorithm == .es256, "accepted alg \(parsed.header.algorithm.rawValue)")
        for member in JWK.privateMembers { try require(jwk[member] == nil, "accepted a private jwk member \(member)") }
        guard let data = try? JSONSerialization.data(withJSONObject: jwk), let key = try? JWK(json: Array(data)) else {
            throw FuzzFailure("accepted an unreadable jwk")
        }
        try require(key.thumbprint == thumbprint, "the thumbprint answered is not the jwk's")
        let material = StandInVerification.material(key)
        try require(
            HMACSHA256(key: material).authenticationCode(for: parsed.signingInput).bytes == parsed.signature,
            "accepted without the key's signature")
        let extra = { (name: String) in claims.extraClaims.last { $0.name == name }?.stringValue }
        try require(extra("htm") == "POST", "accepted htm \(extra("htm") ?? "nil")")
        try require(DPoPVerifier.normalized(extra("htu") ?? "") == uri, "accepted htu \(extra("htu") ?? "nil")")
        guard let iat = claims.issuedAt?.timeIntervalSince1970 else { throw FuzzFailure("accepted without iat") }
        let now = start.timeIntervalSince1970
        try require(iat >= now - 60 && iat <= now + 5, "accepted iat \(iat)")
        try require(!(claims.jwtID ?? "").isEmpty, "accepted without jti")
    }

    /// A compact JWS of these exact header and payload bytes, "signed" for the `jwk` the header
    /// names (any readable one), or for `key` when it names none.
    static func signed(header: [UInt8], payload: [UInt8]) -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        var signingKey = key
        if let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
            let jwk = object["jwk"] as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: jwk),
            let named = try? JWK(json: Array(data))
        {
            signingKey = named
        }
        let mac = HMACSHA256(key: StandInVerification.material(signingKey)).authenticationCode(for: input)
        return input + "." + Base64URL.encode(mac.bytes)
    }
}

/// A STAND-IN for public-key verification (the fuzz binary is Granted's sources alone, with no
/// asymmetric crypto): a "signature" is the HMAC-SHA256 keyed with the JWK's public parameters.
/// It exercises everything around `PublicKeyVerification`; never use it outside fuzzing.
struct StandInVerification: PublicKeyVerification {
    var algorithms: [JWSAlgorithm] { [.es256] }

    func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)? {
        if case .oct = jwk.key { return nil }
        guard algorithm == .es256, jwk.key.canCarry(algorithm) else { return nil }
        return StandInMAC(algorithm: algorithm, material: Self.material(jwk))
    }

    static func material(_ jwk: JWK) -> [UInt8] {
        switch jwk.key {
        case .rsa(let modulus, let exponent): modulus + exponent
        case .ec(_, let x, let y): x + y
        case .okp(_, let x): x
        case .oct(let key): key
        }
    }
}

struct StandInMAC: SignatureVerifier {
    let algorithm: JWSAlgorithm
    let material: [UInt8]
    var keyID: String? { nil }
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        ConstantTime.equals(HMACSHA256(key: material).authenticationCode(for: signingInput).bytes, signature)
    }
}
