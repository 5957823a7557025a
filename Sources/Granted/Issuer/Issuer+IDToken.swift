import Foundation

/// ID tokens (OpenID Connect Core §2, §3.1.3.6, §3.2.2.10, §3.3.2.11).
extension Issuer {
    /// Signs an ID token for `client` about `subject`; nil when OpenID Connect is off (no keys).
    /// With `releasesClaims` the claims the scopes release go in the token itself (Core §5.4).
    func idToken(
        _ plan: IDTokenPlan, client: ClientID, subject: Subject, scopes: ScopeSet, accessToken: String?,
        code: String?, now: Date
    ) async throws(OAuthError) -> String? {
        guard let keys = signingKeys else { return nil }
        var claims = OpenIDConnectRules.claims(
            plan, issuer: issuer, client: client, subject: subject, accessToken: accessToken, code: code,
            lifetime: policy.idTokenLifetime, now: now)
        if plan.releasesClaims, let source = self.claims {
            let released = ScopeClaims.released(by: scopes)
            let known = try await seam { try await source.claims(for: subject) } ?? [:]
            for (name, value) in known.sorted(by: { $0.key < $1.key })
            where released.contains(name) && !JWTClaims.typedClaimNames.contains(name) && name != "sid" {
                if let claim = JWTClaims.ExtraClaim(name: name, json: value.json) {
                    claims.extraClaims.append(claim)
                }
            }
        }
        do {
            return try JWT.sign(claims, signer: keys.active)
        } catch {
            throw .serverError
        }
    }
}
