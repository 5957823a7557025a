import Foundation

/// ID tokens (OpenID Connect Core §2, §3.1.3.6, §3.2.2.10, §3.3.2.11).
extension AuthorizationServer {
    /// OpenID Connect is on when the host configured signing keys.
    var canSignIDTokens: Bool { signingKeys != nil }

    /// The `alg` values ID tokens are signed with (Discovery §3).
    var idTokenAlgorithms: [String] {
        signingKeys.map { [$0.active.algorithm.rawValue] } ?? []
    }

    /// Signs an ID token for `client` about `subject`. `at_hash` is included whenever an access
    /// token is issued with it and `c_hash` whenever a code is (required by §3.2.2.10 and
    /// §3.3.2.11 for the implicit and hybrid flows, allowed elsewhere). `releasesClaims` is for
    /// `response_type=id_token`, where no access token will ever reach userinfo: then the claims
    /// the scopes release go in the ID token itself (§5.4).
    func idToken(
        client: ClientID, subject: Subject, nonce: String?, authTime: Date, scopes: ScopeSet,
        accessToken: String?, code: String?, releasesClaims: Bool = false, now: Date
    ) async throws(OAuthError) -> String? {
        guard let keys = signingKeys else { return nil }
        var claims = JWTClaims(
            issuer: issuer, subject: subject.rawValue, audience: [client.rawValue],
            expiresAt: now + policy.idTokenLifetime.rounded(.down), issuedAt: now, authTime: authTime,
            nonce: nonce, authorizedParty: client.rawValue,
            accessTokenHash: accessToken.map(JWT.halfHash), codeHash: code.map(JWT.halfHash))
        if releasesClaims, let source = self.claims {
            let released = ScopeClaims.released(by: scopes)
            let known = try await seam { try await source.claims(for: subject) } ?? [:]
            for (name, value) in known.sorted(by: { $0.key < $1.key })
            where released.contains(name) && !JWTClaims.typedClaimNames.contains(name) {
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

extension AuthorizationServer {
    /// The `sub` of an `id_token_hint` this server issued (Core §3.1.2.1), expired or not; nil
    /// when it is not one of ours. Verified when the active key declares a verifier, else read as a hint.
    func subject(ofIDTokenHint hint: String) -> Subject? {
        guard let keys = signingKeys, let parsed = JWS.parse(hint) else { return nil }
        if let verifier = keys.active.verifier {
            guard JWS.verify(hint, expecting: keys.active.algorithm, verifiers: [verifier]) != nil else {
                return nil
            }
        }
        guard let claims = try? JSONSerialization.jsonObject(with: Data(parsed.payload)) as? [String: Any],
            claims["iss"] as? String == issuer, let sub = claims["sub"] as? String
        else { return nil }
        return Subject(sub)
    }
}
