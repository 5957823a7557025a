import Foundation
import Testing

@testable import Granted

/// Validates an ID token as a relying party must: OpenID Connect Core §3.1.3.7 (code flow),
/// §3.2.2.11 (implicit), §3.3.2.12 (hybrid) and §12.2 (refresh). Written from the spec, not from
/// Granted's issuing code: the signature is checked with the algorithm pinned, never the header's
/// choice, and `at_hash` / `c_hash` are recomputed here (`leftHalfHash`), not with `JWT.halfHash`.
///
/// Core §3.1.3.7 step 8 keys a MAC algorithm with the client's secret; Granted's `HS256Signer`
/// holds one server key instead, so the tests hand the validator that key.
struct IDTokenValidator: Sendable {
    /// Which rule of the spec refused a token, so a test can say which check must fail.
    enum Rule: String, Sendable, Hashable {
        case signature = "§3.1.3.7 steps 6-8: signature with the expected alg and key"
        case issuer = "§3.1.3.7 step 2: iss"
        case audience = "§3.1.3.7 step 3: aud"
        case authorizedParty = "§3.1.3.7 steps 4-5: azp"
        case expiry = "§3.1.3.7 step 9: exp"
        case issuedAt = "§3.1.3.7 step 10: iat"
        case nonce = "§3.1.3.7 step 11, §3.2.2.11: nonce"
        case authTime = "§3.1.3.7 step 13: auth_time"
        case subject = "§2: sub"
        case accessTokenHash = "§3.2.2.9, §3.3.2.9: at_hash"
        case codeHash = "§3.3.2.10: c_hash"
        case refresh = "§12.2: refreshed ID token"
    }

    struct Rejection: Error, CustomStringConvertible, Sendable {
        let rule: Rule
        let reason: String
        var description: String { "\(rule.rawValue): \(reason)" }
    }

    /// Where the ID token came from; what is required of it follows from this.
    enum Source: Sendable {
        /// The authorization endpoint, for a response type containing `id_token` (implicit, hybrid).
        case authorizationEndpoint(ResponseType)
        /// The token endpoint, exchanging a code (§3.1.3.6, §3.3.3.6).
        case tokenEndpoint
        /// The token endpoint, refreshing (§12.2): compared with the ID token of the authentication.
        case refresh(original: JWTClaims)
    }

    /// What the client knows when the ID token arrives.
    struct Expectation: Sendable {
        var source: Source
        /// The user the client expects (the UUID the host signed in).
        var subject: Subject
        /// The nonce the authentication request sent; nil when it sent none.
        var nonce: String?
        /// The `max_age` the authentication request sent, if any.
        var maxAge: Int? = nil
        /// The access token returned in the same response as the ID token.
        var accessToken: String? = nil
        /// The code returned with the ID token, or the one exchanged for it.
        var code: String? = nil
        var now: Date
    }

    let issuer: String
    let clientID: ClientID
    /// The one algorithm accepted (§3.1.3.7 step 7), whatever the header says.
    let algorithm: JWSAlgorithm
    let verifiers: [any SignatureVerifier]
    /// The `kid` the header must carry, when the client knows it.
    var keyID: String?
    /// Audiences other than itself the client trusts (§3.1.3.7 step 3): none.
    var trustedAudiences: Set<String> = []

    /// The claims of a valid ID token. - Throws: `Rejection` naming the first rule it breaks.
    func validate(_ idToken: String, _ expected: Expectation) throws(Rejection) -> JWTClaims {
        let now = expected.now
        // Steps 6-8: the alg is pinned, and the signature is checked with the key for it.
        guard let parsed = JWS.parse(idToken) else { throw Rejection(rule: .signature, reason: "not a compact JWS") }
        guard parsed.header.algorithm == algorithm else {
            throw Rejection(
                rule: .signature, reason: "alg \(parsed.header.algorithm.rawValue), not \(algorithm.rawValue)")
        }
        if let keyID, parsed.header.keyID != keyID {
            throw Rejection(rule: .signature, reason: "kid \(parsed.header.keyID ?? "absent"), not \(keyID)")
        }
        let claims: JWTClaims
        do {
            claims = try JWT.verify(idToken, expecting: algorithm, verifiers: verifiers, now: now, leeway: 0)
        } catch {
            switch error {
            case .unverified, .malformedClaims: throw Rejection(rule: .signature, reason: "\(error)")
            case .missingExpiration, .expired, .notYetValid: throw Rejection(rule: .expiry, reason: "\(error)")
            case .issuedInTheFuture: throw Rejection(rule: .issuedAt, reason: "\(error)")
            }
        }
        // Step 2: the issuer, exactly.
        guard claims.issuer == issuer else {
            throw Rejection(rule: .issuer, reason: "iss \(claims.issuer ?? "absent"), not \(issuer)")
        }
        // Step 3: the client is an audience, and every other audience is one it trusts.
        guard claims.audience.contains(clientID.rawValue) else {
            throw Rejection(rule: .audience, reason: "aud \(claims.audience) lacks \(clientID)")
        }
        let strangers = Set(claims.audience).subtracting([clientID.rawValue]).subtracting(trustedAudiences)
        guard strangers.isEmpty else {
            throw Rejection(rule: .audience, reason: "untrusted audiences \(strangers.sorted())")
        }
        // Steps 4-5: several audiences need azp; an azp must name this client.
        if claims.audience.count > 1, claims.authorizedParty == nil {
            throw Rejection(rule: .authorizedParty, reason: "several audiences and no azp")
        }
        if let party = claims.authorizedParty, party != clientID.rawValue {
            throw Rejection(rule: .authorizedParty, reason: "azp \(party), not \(clientID)")
        }
        // Step 9: not expired (checked here too, not only by JWT.verify).
        guard let expiresAt = claims.expiresAt, expiresAt > now else {
            throw Rejection(rule: .expiry, reason: "exp \(String(describing: claims.expiresAt)) is not after \(now)")
        }
        // Step 10: iat present, not in the future.
        guard let issuedAt = claims.issuedAt, issuedAt <= now else {
            throw Rejection(
                rule: .issuedAt, reason: "iat \(String(describing: claims.issuedAt)) is absent or after \(now)")
        }
        guard claims.subject == expected.subject.rawValue else {
            throw Rejection(rule: .subject, reason: "sub \(claims.subject ?? "absent"), not \(expected.subject)")
        }
        try checkNonce(claims, expected)
        // Step 13: max_age makes auth_time required, and it must be recent enough.
        if let authTime = claims.authTime, authTime > now {
            throw Rejection(rule: .authTime, reason: "auth_time \(authTime) is after \(now)")
        }
        if let maxAge = expected.maxAge {
            guard let authTime = claims.authTime else {
                throw Rejection(rule: .authTime, reason: "max_age was sent and auth_time is absent")
            }
            guard now.timeIntervalSince(authTime) <= TimeInterval(maxAge) + 1 else {  // auth_time is whole seconds
                throw Rejection(rule: .authTime, reason: "auth_time \(authTime) is older than max_age \(maxAge)")
            }
        }
        try checkHashes(claims, expected)
        if case .refresh(let original) = expected.source {
            try checkRefreshed(claims, against: original)
        }
        return claims
    }

    /// Step 11 and §3.2.2.11: the nonce sent comes back; implicit and hybrid must have sent one;
    /// a refreshed ID token should carry none (§12.2).
    private func checkNonce(_ claims: JWTClaims, _ expected: Expectation) throws(Rejection) {
        switch expected.source {
        case .authorizationEndpoint(let responseType) where responseType.contains(.idToken):
            guard let sent = expected.nonce else {
                throw Rejection(rule: .nonce, reason: "an ID token from the authorization endpoint needs a nonce sent")
            }
            guard claims.nonce == sent else {
                throw Rejection(rule: .nonce, reason: "nonce \(claims.nonce ?? "absent"), not \(sent)")
            }
        case .authorizationEndpoint, .tokenEndpoint:
            guard claims.nonce == expected.nonce else {
                throw Rejection(
                    rule: .nonce, reason: "nonce \(claims.nonce ?? "absent"), sent \(expected.nonce ?? "none")")
            }
        case .refresh:
            guard claims.nonce == nil else {
                throw Rejection(rule: .nonce, reason: "a refreshed ID token carries a nonce")
            }
        }
    }

    /// §3.2.2.10 / §3.3.2.11: `at_hash` is required with an access token from the authorization
    /// endpoint (`id_token token`, `code id_token token`), `c_hash` with a code (`code id_token`,
    /// `code id_token token`); elsewhere optional (§3.1.3.6, §3.3.3.6), but right when present.
    private func checkHashes(_ claims: JWTClaims, _ expected: Expectation) throws(Rejection) {
        var requiresAccessTokenHash = false
        var requiresCodeHash = false
        if case .authorizationEndpoint(let responseType) = expected.source {
            requiresAccessTokenHash = responseType.contains(.token)
            requiresCodeHash = responseType.contains(.code)
        }
        try checkHash(
            claims.accessTokenHash, of: expected.accessToken, required: requiresAccessTokenHash, .accessTokenHash)
        try checkHash(claims.codeHash, of: expected.code, required: requiresCodeHash, .codeHash)
    }

    private func checkHash(_ hash: String?, of value: String?, required: Bool, _ rule: Rule) throws(Rejection) {
        switch (hash, value) {
        case (nil, _):
            if required { throw Rejection(rule: rule, reason: "required and absent") }
        case (.some, nil):
            throw Rejection(rule: rule, reason: "a hash of nothing: no such value came with the ID token")
        case (let hash?, let value?):
            let computed = Self.leftHalfHash(value)
            guard hash == computed else { throw Rejection(rule: rule, reason: "\(hash), computed \(computed)") }
        }
    }

    /// §12.2: the same iss, sub, aud, azp and auth_time as the original, a new iat.
    private func checkRefreshed(_ claims: JWTClaims, against original: JWTClaims) throws(Rejection) {
        guard claims.issuer == original.issuer, claims.subject == original.subject else {
            throw Rejection(rule: .refresh, reason: "iss or sub changed")
        }
        guard Set(claims.audience) == Set(original.audience), claims.authorizedParty == original.authorizedParty else {
            throw Rejection(rule: .refresh, reason: "aud or azp changed")
        }
        if claims.authTime != nil, claims.authTime != original.authTime {
            throw Rejection(rule: .refresh, reason: "auth_time is not the original authentication's")
        }
        if let issuedAt = claims.issuedAt, let originalIssuedAt = original.issuedAt, issuedAt < originalIssuedAt {
            throw Rejection(rule: .refresh, reason: "iat is before the original ID token's")
        }
    }

    /// Core §3.2.2.9 / §3.3.2.11 for SHA-256 algorithms: SHA-256 of the ASCII octets, the left
    /// 128 bits, base64url without padding. Encoded with Foundation's base64, not Granted's.
    static func leftHalfHash(_ value: String) -> String {
        let digest = SHA256.hash(Array(value.utf8)).bytes
        return Data(digest.prefix(16)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
