/// The revocation endpoint (RFC 7009).
extension AuthorizationServer {
    /// Revokes an access or refresh token of the authenticated client (§2.1). Answers 200 for an
    /// unknown or already revoked token (§2.2); another client's token is left alone and refused
    /// with `unauthorized_client` (§2.1: "the request is refused and the client is informed").
    public func revoke(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do throws(OAuthError) {
            let (form, client) = try await authenticatedForm(request)
            guard let token = try form.single("token") else { throw .invalidRequest("token is required") }
            let hint = try form.single("token_type_hint").map(TokenTypeHint.init(rawValue:))
            let now = clock.now
            switch try await findToken(token, hint: hint) {
            case .access(let record, let digest)?:
                guard record.token.client == client.id else { throw Self.notIssuedToCaller }
                _ = try await seam { try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } }
            case .refresh(let family, _, _)?:
                // §2.1: revoking a refresh token also ends the access tokens of the same grant,
                // which hang from its family.
                guard family.client == client.id else { throw Self.notIssuedToCaller }
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

    /// RFC 7009 §2.1: the token was issued to another client.
    private static let notIssuedToCaller = OAuthError.unauthorizedClient("the token was not issued to this client")
}
