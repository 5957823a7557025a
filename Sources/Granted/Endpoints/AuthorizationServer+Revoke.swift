/// The revocation endpoint (RFC 7009).
extension AuthorizationServer {
    /// Revokes an access or refresh token of the authenticated client (§2.1). Answers 200 for an
    /// unknown, already revoked or another client's token, which it leaves alone (§2.2).
    public func revoke(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do throws(OAuthError) {
            let (form, client) = try await authenticatedForm(request)
            guard let token = try form.single("token") else { throw .invalidRequest("token is required") }
            let hint = try form.single("token_type_hint").map(TokenTypeHint.init(rawValue:))
            let now = clock.now
            switch try await findToken(token, hint: hint) {
            case .access(let record, let digest)?:
                guard record.token.client == client.id else { break }
                _ = try await seam { try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } }
            case .refresh(let family, _, _)?:
                // §2.1: revoking a refresh token also ends the access tokens of the same grant,
                // which hang from its family.
                guard family.client == client.id else { break }
                _ = try await seam { try await store.updateFamily(family.id) { $0?.revoke(at: now) } }
            case .apiKey?:
                // §2.2.1: a user's API key is not a token a client may revoke.
                throw .unsupportedTokenType
            case nil:
                break
            }
            // §2.2: 200, and the body is ignored, so none is sent.
            return OAuthResponse(status: 200, headers: ["Cache-Control": "no-store", "Pragma": "no-cache"])
        } catch {
            return error.tokenEndpointResponse
        }
    }
}
