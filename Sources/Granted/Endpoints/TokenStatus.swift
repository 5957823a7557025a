import Foundation

/// What the server knows of one token, whatever its kind: the operator's view (admin tools,
/// support), and what introspection releases to the callers it permits (RFC 7662 §2.2).
public struct TokenStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case accessToken
        case refreshToken
        case apiKey(APIKeyID)
    }
    public let kind: Kind
    /// Whether presenting it now would work: it, its family and its user authorization are live.
    public let isActive: Bool
    /// The client it was issued to; nil for an API key.
    public let client: ClientID?
    /// The user; nil for an app-only token.
    public let subject: Subject?
    /// Nil for an API key (all of the user's access).
    public let scopes: ScopeSet?
    public let issuedAt: Date
    public let expiresAt: Date?
    /// The family it belongs to, and the user authorization that family hangs from.
    public let family: FamilyID?
    public let authorization: AuthorizationID?
}

extension FoundToken {
    /// The status of the token as found, at `now`. A refresh token is active only while it is
    /// its family's current generation and the family can still be used.
    func status(at now: Date, policy: Policy) -> TokenStatus {
        switch self {
        case .access(let record, _):
            let token = record.token
            return TokenStatus(
                kind: .accessToken, isActive: record.isActive(at: now), client: token.client,
                subject: token.subject, scopes: token.scopes, issuedAt: token.issuedAt,
                expiresAt: token.expiresAt, family: token.family, authorization: token.authorization)
        case .refresh(let family, let authorization, let digest):
            let isCurrent = family.current.map(digest.constantTimeEquals) == true
            let usable = family.isActive(at: now, idleLifetime: policy.refreshTokenIdleLifetime)
            return TokenStatus(
                kind: .refreshToken, isActive: isCurrent && usable && authorization?.isActive == true,
                client: family.client, subject: family.subject, scopes: family.scopes,
                issuedAt: family.createdAt, expiresAt: family.expiresAt, family: family.id,
                authorization: family.authorization)
        case .apiKey(let key):
            return TokenStatus(
                kind: .apiKey(key.id), isActive: key.isActive, client: nil, subject: key.subject, scopes: nil,
                issuedAt: key.createdAt, expiresAt: nil, family: nil, authorization: nil)
        }
    }
}

/// The operator's calls: inspect or revoke any token by its value, whoever it was issued to.
/// For admin tools the host authenticates itself, never for clients (they have the revocation
/// and introspection endpoints, which check who is asking).
extension AuthorizationServer {
    /// The status of the token with this value; nil when the server has no such token.
    public func inspectToken(_ value: String) async throws(OAuthError) -> TokenStatus? {
        let now = clock.now
        return try await findToken(value, hint: nil)?.status(at: now, policy: policy)
    }

    /// Revokes the token with this value: an access token alone, a refresh token with its whole
    /// family (RFC 7009 §2.1), an API key. Answers whether anything changed.
    @discardableResult
    public func revokeToken(_ value: String) async throws(OAuthError) -> Bool {
        let now = clock.now
        switch try await findToken(value, hint: nil) {
        case .access(_, let digest)?:
            return try await seam { try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } } ?? false
        case .refresh(let family, _, _)?:
            return try await seam { try await store.updateFamily(family.id) { $0?.revoke(at: now) ?? false } }
        case .apiKey(let key)?:
            return try await seam { try await store.updateAPIKey(key.id) { $0.revoke(at: now) } } ?? false
        case nil:
            return false
        }
    }
}
