import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @_spi(Testing) @testable import Granted
#endif

/// Client assertions (RFC 7523 §3): whatever the bytes, the token endpoint never crashes, and
/// an accepted assertion satisfies every check on its own re-reading and never works twice.
///
/// The first byte picks what the rest is: 0, the whole `client_assertion`; 1, the claims JSON,
/// MACed under the client's real secret (so the claim checks are what the fuzzer explores); 2,
/// the header JSON over valid claims, MACed under the real secret (the algorithm checks). Its
/// sixth bit picks the audience rule: clear, the default `.issuerOrEndpoint` (RFC 7523 §3); set,
/// `.issuerOnly` (RFC 10070), the issuer as the sole `aud`.
enum AssertionChecks {
    static let client: ClientID = "jwt-client"
    static let keyClient: ClientID = "key-client"
    static let issuer = "https://as.example"
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let serverKey = ServerKey(random: CountingRandom())
    static let issued = DerivedClientSecret.issue(for: client, prefix: "gcs_", key: serverKey, random: CountingRandom())
    /// A server per input, with a fresh store: a static one would keep the client's JWK alive
    /// until exit, where LeakSanitizer reports its arrays as leaked (Swift keeps them behind enum
    /// payload pointers whose spare bits it does not recognise).
    static func makeServer(audience: ClientAssertionAudience = .issuerOrEndpoint) -> AuthorizationServer {
        let keys = JWKSet(keys: [JWK(.ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32)))])
        let clients = InMemoryClientStore([
            Client(id: client, authentication: .clientSecret(issued.stored, methods: .jwt), grantTypes: [.clientCredentials]),
            // No PublicKeyVerification: nothing may ever authenticate this one.
            Client(id: keyClient, authentication: .privateKeyJWT(.jwks(keys)), grantTypes: [.clientCredentials]),
        ])
        var policy = Policy()
        policy.clientAssertionAudience = audience
        return AuthorizationServer(
            issuer: issuer, policy: policy, clients: clients, clock: FixedClock(now: start), serverKey: serverKey)
    }

    /// Counts the inputs this task's checks accept, so a test can see the accepting branch is
    /// reached (a counter of the task's own: other tests run the same target at the same time).
    @TaskLocal static var acceptances: Locked<Int>?

    static func check(_ bytes: [UInt8]) async throws {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        let audience: ClientAssertionAudience = mode & 0x20 == 0 ? .issuerOrEndpoint : .issuerOnly
        let assertion: String
        switch mode % 3 {
        case 0: assertion = String(decoding: rest, as: UTF8.self)
        case 1: assertion = try signed(header: Array(#"{"alg":"HS256"}"#.utf8), payload: rest)
        default:
            let aud = audience == .issuerOnly ? issuer : issuer + "/token"
            let claims = #"{"iss":"jwt-client","sub":"jwt-client","aud":"\#(aud)","exp":1700000060,"jti":"\#(SHA256.hash(bytes).hex)"}"#
            assertion = try signed(header: rest, payload: Array(claims.utf8))
        }
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = assertion.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        let body = "grant_type=client_credentials&client_assertion_type="
            + (ClientAssertion.type.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
            + "&client_assertion=" + encoded
        let request = OAuthRequest(
            method: .post, path: "/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array(body.utf8))
        let server = makeServer(audience: audience)
        let response = await server.token(request)
        guard response.status == 200 else {
            // The in-memory stores never fail: a 500 here is a bug, whatever the input.
            try require(response.status != 500, "an assertion answered 500: \(assertion.prefix(200))")
            try requireWellFormedError(response)
            return
        }
        acceptances?.withLock { $0 += 1 }
        try requireAcceptable(assertion, audience: audience)
        let again = await server.token(request)
        try require(again.status == 401, "an accepted assertion worked twice: \(assertion.prefix(200))")
    }

    /// The checks, re-done independently of the endpoint on an assertion it accepted.
    static func requireAcceptable(_ assertion: String, audience: ClientAssertionAudience = .issuerOrEndpoint) throws {
        guard let parsed = JWS.parse(assertion), let claims = JWTClaims(json: parsed.payload) else {
            throw FuzzFailure("accepted but unparseable: \(assertion.prefix(200))")
        }
        let secret = Array(issued.secret.utf8)
        try require(parsed.header.algorithm == .hs256, "accepted alg \(parsed.header.algorithm.rawValue)")
        try require(
            HMACSHA256(key: secret).authenticationCode(for: parsed.signingInput).bytes == parsed.signature,
            "accepted without the client's MAC")
        try require(claims.issuer == client.rawValue && claims.subject == client.rawValue, "accepted iss/sub")
        switch audience {
        case .issuerOrEndpoint:
            try require(
                claims.audience.contains(issuer) || claims.audience.contains(issuer + "/token")
                    || claims.audience.contains(issuer + "/par"),
                "accepted aud \(claims.audience)")
        case .issuerOnly:
            try require(claims.audience == [issuer], "accepted aud \(claims.audience) as the sole issuer")
        }
        let now = start.timeIntervalSince1970
        guard let exp = claims.expiresAt?.timeIntervalSince1970 else { throw FuzzFailure("accepted without exp") }
        try require(exp > now - 30 && exp <= now + 3600 + 30, "accepted exp \(exp)")
        try require(!(claims.jwtID ?? "").isEmpty, "accepted without jti")
        if let nbf = claims.notBefore?.timeIntervalSince1970 { try require(nbf <= now + 30, "accepted nbf \(nbf)") }
        if let iat = claims.issuedAt?.timeIntervalSince1970 { try require(iat <= now + 30 && iat <= exp, "accepted iat \(iat)") }
    }

    /// A compact JWS of these exact header and payload bytes, MACed under the client's secret.
    static func signed(header: [UInt8], payload: [UInt8]) throws -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let mac = HMACSHA256(key: Array(issued.secret.utf8)).authenticationCode(for: input)
        return input + "." + Base64URL.encode(mac.bytes)
    }
}

/// Deterministic "random" bytes, so the server key and secret are the same in every run.
struct CountingRandom: RandomSource {
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
    }
}
