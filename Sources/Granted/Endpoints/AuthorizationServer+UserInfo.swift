/// The UserInfo endpoint (OpenID Connect Core §5.3).
extension AuthorizationServer {
    /// Answers `sub` and the claims the token's scopes release (Core §5.4) for a bearer token
    /// holding `openid`; RFC 6750 errors otherwise (Core §5.3.3).
    public func userInfo(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .get || request.method == .post else {
            return OAuthError.methodNotAllowed(allow: [.get, .post])
        }
        let decision = await resourceGuard(realm: "userinfo", acceptsFormBodyToken: true).check(request, requiring: [.openid])
        guard case .allowed(let grant) = decision else {
            if case .denied(let response, _) = decision { return response }
            return OAuthError.bearerChallengeResponse(.invalidToken, realm: "userinfo")
        }
        guard let subject = grant.subject, let scopes = grant.scopes else {
            return OAuthError.bearerChallengeResponse(.invalidToken, realm: "userinfo")
        }
        let known: [String: ClaimValue]?
        do {
            known = try await claims?.claims(for: subject) ?? [:]
        } catch {
            return OAuthError.serverError.tokenEndpointResponse
        }
        guard let known else {
            return OAuthError.bearerChallengeResponse(.invalidToken, realm: "userinfo")
        }
        let released = ScopeClaims.released(by: scopes)
        var json = JSONWriter()
        json.field("sub", subject.rawValue)
        for (name, value) in known.sorted(by: { $0.key < $1.key })
        where name != "sub" && released.contains(name) {
            json.field(named: name, rawJSON: value.json)
        }
        return .json(json.finish())
    }
}
