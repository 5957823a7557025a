import Foundation

/// Access tokens: an opaque random handle, or a JWT (RFC 9068) for an audience that wants one;
/// either way recorded under its SHA-256, so introspection, revocation and the guard see it.
extension Issuer {
    /// The lifetime of a JWT access token when the policy lets access tokens live forever:
    /// RFC 9068 §2.2 requires `exp`, and a self-contained token cannot be recalled.
    static let jwtAccessTokenFallbackLifetime: TimeInterval = 14 * 24 * 3600

    /// Mints an access token for `audience` and stores its digest.
    /// - Throws: `serverError` when a resource of the audience wants JWTs and the server has no
    ///   signing keys (a deployment error), or the store fails.
    func issueAccessToken(
        client: ClientID, subject: Subject?, scopes: ScopeSet, audience: Audience, family: FamilyID?,
        authorization: AuthorizationID?, authTime: Date?, keyThumbprint: String? = nil, now: Date
    ) async throws(OAuthError) -> (value: String, expiry: Date?) {
        let value: String
        let digest: Digest256
        var expiry = policy.accessTokenExpiry(from: now)
        if !audience.isEmpty, policy.resources.wantsJWT(audience) {
            guard let keys = signingKeys else { throw .serverError }
            let expiresAt = expiry ?? now + Self.jwtAccessTokenFallbackLifetime
            expiry = expiresAt
            value = try jwtAccessToken(
                client: client, subject: subject, scopes: scopes, audience: audience, authTime: authTime,
                keyThumbprint: keyThumbprint, expiresAt: expiresAt, now: now, signer: keys.active)
            digest = SHA256.hash(value)
        } else {
            let minted = random.mintSecret(prefix: policy.accessTokenPrefix)
            value = minted.value
            digest = minted.digest
        }
        let token = AccessToken(
            client: client, subject: subject, scopes: scopes, issuedAt: now, expiresAt: expiry,
            family: family, authorization: authorization, audience: audience, keyThumbprint: keyThumbprint)
        try await seam { try await store.insert(token, at: digest) }
        return (value, expiry)
    }

    /// A JWT access token (RFC 9068 §2): header `typ: at+jwt` (§2.1), claims `iss`, `exp`,
    /// `aud`, `sub`, `client_id`, `iat`, `jti` (§2.2), `scope` (§2.2.3) and `auth_time` after
    /// a sign-in (§2.2.1), `cnf.jkt` for a DPoP-bound token (RFC 9449 §6.1). An app-only token's
    /// `sub` is the client (§2.2).
    func jwtAccessToken(
        client: ClientID, subject: Subject?, scopes: ScopeSet, audience: Audience, authTime: Date?,
        keyThumbprint: String? = nil, expiresAt: Date, now: Date, signer: any Signer
    ) throws(OAuthError) -> String {
        var claims = JWTClaims(
            issuer: issuer, subject: subject?.rawValue ?? client.rawValue, audience: audience.sortedValues,
            expiresAt: expiresAt, issuedAt: now, jwtID: Base64URL.encode(random.bytes(16)),
            authTime: subject == nil ? nil : authTime)
        claims.extraClaims = [
            JWTClaims.ExtraClaim(name: "client_id", string: client.rawValue),
            JWTClaims.ExtraClaim(name: "scope", string: scopes.description),
        ]
        if let keyThumbprint { claims.extraClaims.append(JWTAccessToken.confirmationClaim(keyThumbprint)) }
        do {
            return try JWS.sign(claims.serialized(), type: JWTAccessToken.type, signer: signer)
        } catch {
            throw .serverError
        }
    }
}
