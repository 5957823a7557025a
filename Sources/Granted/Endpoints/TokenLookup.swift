/// A presented token found in the store, whatever its kind: revocation and introspection take any
/// token and must find it whatever the hint says (RFC 7009 §2.1, RFC 7662 §2.1).
enum FoundToken: Sendable {
    case access(AccessTokenRecord, digest: Digest256)
    case refresh(RefreshFamily, authorization: UserAuthorization?, digest: Digest256)
    case apiKey(APIKey)
}

/// The kinds of token a presented value may be, each in its own table of the store.
enum TokenKind: CaseIterable, Sendable {
    case accessToken, refreshToken, apiKey

    /// The hinted kind first, then the others in declaration order; an unknown hint changes
    /// nothing (RFC 7009 §2.1). A user's API key has no hint: it is looked up last.
    static func lookupOrder(hint: TokenTypeHint?) -> [TokenKind] {
        switch hint {
        case .refreshToken?: refreshTokenFirst
        default: allCases  // access tokens are declared first
        }
    }
    /// Built once: introspection and revocation ask for an order on every request.
    private static let refreshTokenFirst: [TokenKind] = [.refreshToken] + allCases.filter { $0 != .refreshToken }
}

extension AuthorizationServer {
    /// Looks the token up as the hint suggests first, then as every other kind.
    func findToken(_ value: String, hint: TokenTypeHint?) async throws(OAuthError) -> FoundToken? {
        let digest = SHA256.hash(value)
        for kind in TokenKind.lookupOrder(hint: hint) {
            switch kind {
            case .accessToken:
                if let record = try await seam({ try await store.accessToken(at: digest) }) {
                    return .access(record, digest: digest)
                }
            case .refreshToken:
                if let id = try await seam({ try await store.familyID(forRefreshToken: digest) }),
                    let (family, authorization) = try await seam({ try await store.family(id) })
                {
                    return .refresh(family, authorization: authorization, digest: digest)
                }
            case .apiKey:
                if let key = try await seam({ try await store.apiKey(at: digest) }) {
                    return .apiKey(key)
                }
            }
        }
        return nil
    }

    /// Reads a POSTed form and authenticates the client, as the token endpoint does.
    func authenticatedForm(_ request: OAuthRequest) async throws(OAuthError) -> (FormParameters, Client) {
        guard request.hasFormBody else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        let form = try FormParameters(parsing: request.body, limits: policy.inputLimits)
        let client = try await authenticateClient(request, form: form)
        return (form, client)
    }
}
