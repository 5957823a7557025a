import Foundation

extension Issuer {
    /// Carries out an approval (RFC 6749 §4.1.2, §4.2.2; OpenID Connect Core §3.2.2.5,
    /// §3.3.2.5): records the user's authorization of the client, then mints what the response
    /// type asks for. Answers the redirect's parameters.
    func issue(
        _ plan: AuthorizationResponseGrant.Plan, for request: AuthorizationRequest, subject: Subject,
        authTime: Date, sessionID: SessionID? = nil, now: Date
    ) async throws(OAuthError) -> [(String, String?)] {
        let client = request.client.id
        let authorization = try await recordAuthorization(
            subject: subject, client: client, scopes: plan.scopes, now: now)
        var parameters: [(String, String?)] = []
        parameters.reserveCapacity(7)  // code, access_token, token_type, expires_in, id_token, scope, state
        var code: String?
        var accessToken: String?
        if plan.issuesCode {
            let minted = random.mintSecret(prefix: policy.authorizationCodePrefix)
            let record = AuthorizationCode(
                client: client, redirectURI: request.redirectURIWasGiven ? request.redirectURI : nil,
                scopes: plan.scopes, subject: subject, authTime: authTime, nonce: request.nonce,
                challenge: request.challenge, authorization: authorization, family: FamilyID(random: random),
                issuedAt: now, lifetime: policy.authorizationCodeLifetime, resources: request.resources,
                sessionID: sessionID, keyThumbprint: request.keyThumbprint)
            try await seam { try await store.insert(record, at: minted.digest) }
            code = minted.value
            parameters.append(("code", minted.value))
        }
        if plan.issuesAccessToken {
            let issued = try await issueAccessToken(
                client: client, subject: subject, scopes: plan.accessTokenScopes, audience: request.resources,
                family: nil, authorization: authorization, authTime: authTime, now: now)
            accessToken = issued.value
            parameters.append(("access_token", issued.value))
            parameters.append(("token_type", "Bearer"))
            parameters.append(("expires_in", TokenResponse.expiresIn(issued.expiry, from: now).map(String.init)))
        }
        if var idPlan = plan.idToken {
            idPlan.sessionID = sessionID
            parameters.append(
                ("id_token", try await idToken(
                    idPlan, client: client, subject: subject, scopes: plan.scopes, accessToken: accessToken,
                    code: code, now: now)))
        }
        if plan.reportsScope { parameters.append(("scope", plan.accessTokenScopes.description)) }
        parameters.append(("state", request.state))
        return parameters
    }
}
