/// A presented token found in the store, whatever its kind: revocation and introspection take any
/// token and must find it whatever the hint says (RFC 7009 §2.1, RFC 7662 §2.1).
enum FoundToken: Sendable {
    case access(AccessTokenRecord, digest: TokenDigest)
    case refresh(RefreshFamily, authorization: UserAuthorization?, digest: TokenDigest)
    case apiKey(APIKey)
}

extension AuthorizationServer {
    /// Looks the token up as the hint suggests first, then as every other kind.
    func findToken(_ value: String, hint: String?) async throws(OAuthError) -> FoundToken? {
        let digest = SHA256.hash(value)
        let refreshFirst = hint == "refresh_token"
        for kind in refreshFirst ? [1, 0, 2] : [0, 1, 2] {
            switch kind {
            case 0:
                if let record = try await seam({ try await store.accessToken(at: digest) }) {
                    return .access(record, digest: digest)
                }
            case 1:
                if let id = try await seam({ try await store.familyID(forRefreshToken: digest) }),
                    let (family, authorization) = try await seam({ try await store.family(id) })
                {
                    return .refresh(family, authorization: authorization, digest: digest)
                }
            default:
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
