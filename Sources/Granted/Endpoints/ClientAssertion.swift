import Foundation

/// A JWT client assertion (RFC 7523 §2.2, §3; RFC 7521 §4.2; OpenID Connect Core §9), parsed but
/// not yet verified: what names the client, and the claims its checks read. Nothing here is
/// trusted before `ClientAuthentication` has verified the signature with the client's own key.
struct ClientAssertion: Sendable {
    /// `client_assertion_type` for a JWT (RFC 7523 §2.2).
    static let type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// The longest assertion read: an RS4096 signature and a few claims fit well below it.
    static let maximumLength = 8 * 1024

    let jws: JWS.Parsed
    let claims: JWTClaims
    /// `iss` = `sub`: the client it claims to authenticate (RFC 7523 §3 items 1, 2).
    let clientID: ClientID

    /// The JWS `alg` (RFC 7515 §4.1.1), which the client's registration must allow.
    var algorithm: JWSAlgorithm { jws.header.algorithm }
    /// The JWS `kid` (RFC 7515 §4.1.4), which selects among the client's keys.
    var keyID: String? { jws.header.keyID }

    /// Parses `compact` and reads who it names: `iss` and `sub` present and equal (RFC 7523 §3
    /// items 1, 2; Core §9), and equal to the form's `client_id` when it has one.
    /// - Throws: `invalidClient` for anything else (RFC 7521 §4.2.1).
    init(_ compact: String, formClientID: String?) throws(OAuthError) {
        guard let jws = JWS.parse(compact, maximumLength: Self.maximumLength),
            !jws.header.algorithm.isUnsecured, !jws.signature.isEmpty,
            let claims = JWTClaims(json: jws.payload),
            let issuer = claims.issuer, !issuer.isEmpty, claims.subject == issuer
        else { throw .invalidClient(basicChallenge: false) }
        if let formClientID, formClientID != issuer { throw .invalidClient(basicChallenge: false) }
        self.jws = jws
        self.claims = claims
        self.clientID = ClientID(issuer)
    }

    /// Whether the signature verifies with one of `verifiers`, each pinned to `algorithm`.
    func isSigned(byOneOf verifiers: [any SignatureVerifier]) -> Bool {
        verifiers.contains { $0.algorithm == algorithm && $0.verify(jws.signature, for: jws.signingInput) }
    }

    /// The claim checks of RFC 7523 §3 items 3-7 and Core §9, at `now`: `aud` names this server
    /// as `audience` says, given its `issuer` and the `endpoints` that rule may accept; `exp` present, after `now - leeway`, and at most `maximumLifetime` (plus the
    /// leeway) after `now` and after `iat`; `nbf` and `iat` not after `now + leeway`; a `jti`.
    /// - Throws: `invalidClient` (RFC 7521 §4.2.1).
    func checkClaims(
        now: Date, audience: ClientAssertionAudience, issuer: String, endpoints: [String],
        leeway: TimeInterval, maximumLifetime: TimeInterval
    ) throws(OAuthError) {
        let leeway = leeway.isFinite ? max(0, leeway) : 0
        let now = now.timeIntervalSince1970
        guard audience.accepts(claims.audience, issuer: issuer, endpoints: endpoints),
            let expiresAt = claims.expiresAt?.timeIntervalSince1970,
            expiresAt > now - leeway,
            expiresAt - now <= maximumLifetime + leeway,
            let jwtID = claims.jwtID, !jwtID.isEmpty
        else { throw .invalidClient(basicChallenge: false) }
        if let notBefore = claims.notBefore?.timeIntervalSince1970, notBefore > now + leeway {
            throw .invalidClient(basicChallenge: false)
        }
        if let issuedAt = claims.issuedAt?.timeIntervalSince1970,
            issuedAt > now + leeway || expiresAt < issuedAt || expiresAt - issuedAt > maximumLifetime
        {
            throw .invalidClient(basicChallenge: false)
        }
    }

    /// The key its `jti` is recorded under (RFC 7523 §3 item 7): the SHA-256 of a domain tag,
    /// the client id's length and bytes, and the `jti`, so two clients' `jti`s never meet and no
    /// other one-time use (a DPoP proof) shares the space.
    var replayDigest: Digest256 {
        let id = clientID.rawValue
        return Digest256(hashing: "granted client assertion\u{0}\(id.utf8.count):\(id)\u{0}\(claims.jwtID ?? "")")
    }

    /// When the `jti` may be forgotten: once `exp` plus the leeway has passed, the assertion
    /// fails `checkClaims` anyway.
    func replayExpiry(leeway: TimeInterval) -> Date {
        (claims.expiresAt ?? .distantPast) + (leeway.isFinite ? max(0, leeway) : 0)
    }
}
