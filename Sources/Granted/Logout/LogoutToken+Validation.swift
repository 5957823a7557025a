import Foundation

extension LogoutToken {
    /// Why `validate` refused a logout token (Back-Channel Logout 1.0 §2.6); the relying party
    /// answers 400 (§2.8) and logs nobody out.
    public enum Rejection: Error, Sendable, Hashable {
        /// The JWT checks (signature, `alg`, `exp`, `iat` not in the future) failed (§2.6 step 3).
        case unverified(JWT.Rejection)
        /// A `typ` other than `logout+jwt` (§2.4): another kind of JWT, e.g. an ID token.
        case wrongType
        case wrongIssuer
        /// `aud` does not contain the relying party's `client_id` (§2.6 step 3).
        case wrongAudience
        /// `iat` or `jti` is missing (§2.4: both REQUIRED).
        case missingClaim(String)
        /// Neither `sub` nor `sid` (§2.6 step 4).
        case missingSubjectAndSession
        /// `events` lacks the back-channel logout member, or it is not a JSON object (§2.6 step 5).
        case missingEvent
        /// A `nonce` is present (§2.6 step 6): it would let an ID token pass as a logout token.
        case nonceForbidden
    }

    /// Validates a logout token (Back-Channel Logout 1.0 §2.6 steps 2-6) signed with `algorithm`
    /// by a key in `verifiers`, issued by `issuer` to `clientID`. Replay (`jti`, step 7) and
    /// whether the session or user is known are the relying party's.
    /// - Throws: `Rejection`.
    public static func validate(
        _ token: String, issuer: String, clientID: ClientID, algorithm: JWSAlgorithm,
        verifiers: [any SignatureVerifier], now: Date, leeway: TimeInterval = 60
    ) throws(Rejection) -> LogoutToken {
        guard let parsed = JWS.verified(token, expecting: algorithm, verifiers: verifiers) else {
            throw .unverified(.unverified)
        }
        if let type = parsed.header.type {
            let lowered = type.lowercased()
            guard lowered == mediaType || lowered == "application/" + mediaType else { throw .wrongType }
        }
        let claims: JWTClaims
        do {
            claims = try JWT.verify(token, expecting: algorithm, verifiers: verifiers, now: now, leeway: leeway)
        } catch {
            throw .unverified(error)
        }
        guard claims.issuer == issuer else { throw .wrongIssuer }
        guard claims.audience.contains(clientID.rawValue) else { throw .wrongAudience }
        guard let issuedAt = claims.issuedAt else { throw .missingClaim("iat") }
        guard let jwtID = claims.jwtID, !jwtID.isEmpty else { throw .missingClaim("jti") }
        guard let expiresAt = claims.expiresAt else { throw .unverified(.missingExpiration) }
        guard claims.nonce == nil else { throw .nonceForbidden }
        let sid = claims.extraClaims.first { $0.name == "sid" }
        let sessionID = sid?.stringValue.map(SessionID.init(rawValue:))
        guard sid == nil || sessionID != nil else { throw .missingSubjectAndSession }
        let subject = claims.subject.map { Subject($0) }
        guard subject != nil || sessionID != nil else { throw .missingSubjectAndSession }
        guard let events = claims.extraClaims.first(where: { $0.name == "events" }),
            let object = JSONReader.object(events.json),
            object.object(event) != nil
        else { throw .missingEvent }
        return LogoutToken(
            issuer: issuer, audience: claims.audience, issuedAt: issuedAt, expiresAt: expiresAt, jwtID: jwtID,
            subject: subject, sessionID: sessionID)
    }
}
