import Foundation

/// The one place that mints, hashes and records what grants decided: access tokens, refresh
/// families and their tokens, authorization codes, ID tokens and user authorizations; and that
/// revokes families. Grants answer plans; endpoints hand them here.
final class Issuer: Sendable {
    let issuer: String
    let policy: Policy
    let store: any GrantStore
    let random: any RandomSource
    let claims: (any ClaimsSource)?
    let signingKeys: SigningKeys?
    let serverKey: ServerKey

    init(
        issuer: String, policy: Policy, store: any GrantStore, random: any RandomSource,
        claims: (any ClaimsSource)?, signingKeys: SigningKeys?, serverKey: ServerKey
    ) {
        self.issuer = issuer
        self.policy = policy
        self.store = store
        self.random = random
        self.claims = claims
        self.signingKeys = signingKeys
        self.serverKey = serverKey
    }

    /// Carries out a token endpoint plan (RFC 6749 §5.1).
    func issue(_ plan: TokenPlan, now: Date) async throws(OAuthError) -> TokenResponse {
        let refreshToken: String?
        switch plan.family {
        case .none:
            refreshToken = nil
        case .start(let start):
            refreshToken = try await startFamily(start, plan: plan, now: now)
        case .continued(_, let rotated):
            refreshToken = rotated
        }
        let issued = try await issueAccessToken(
            client: plan.client, subject: plan.subject, scopes: plan.scopes, audience: plan.audience,
            family: plan.family.id, authorization: plan.authorization, authTime: plan.authTime,
            keyThumbprint: plan.keyThumbprint, now: now)
        var idToken: String?
        if let idPlan = plan.idToken, let subject = plan.subject {
            idToken = try await self.idToken(
                idPlan, client: plan.client, subject: subject, scopes: plan.scopes, accessToken: issued.value,
                code: nil, now: now)
        }
        return TokenResponse(
            accessToken: issued.value, tokenType: plan.keyThumbprint == nil ? "Bearer" : "DPoP", expiresIn: TokenResponse.expiresIn(issued.expiry, from: now),
            scopes: plan.scopes, refreshToken: refreshToken, idToken: idToken)
    }

    /// Stores the family a code redemption starts, and its refresh token's index entry.
    /// - Returns: the refresh token, when the plan issues one.
    private func startFamily(_ start: FamilyStart, plan: TokenPlan, now: Date) async throws(OAuthError) -> String? {
        guard let subject = plan.subject, let authorization = plan.authorization else { throw .serverError }
        let refresh = start.issuesRefreshToken ? random.mintSecret(prefix: policy.refreshTokenPrefix) : nil
        let family = RefreshFamily(
            id: start.id, client: plan.client, subject: subject, scopes: start.scopes,
            authorization: authorization, authTime: start.authTime, createdAt: now,
            expiresAt: start.expiresAt, current: refresh?.digest,
            accessTokensExpireBy: policy.accessTokenExpiry(from: now), resources: start.resources,
            sessionID: start.sessionID, keyThumbprint: plan.bindsRefreshToken ? plan.keyThumbprint : nil)
        // A replay that raced this redemption may have left the family revoked already: then it
        // stays revoked and the tokens below are born dead, exactly as if the replay had come
        // after them (RFC 6749 §4.1.2). The answer does not depend on the interleaving.
        try await seam {
            try await store.updateFamily(family.id) { existing in
                if existing == nil { existing = family }
            }
        }
        // The family first, then its refresh token's index entry: housekeeping never sees an
        // entry whose family is not there yet (it would purge it as an orphan).
        if let refresh {
            try await seam { try await store.insertRefreshToken(at: refresh.digest, family: family.id) }
        }
        if let session = start.sessionID { try await recordFamily(family, in: session, now: now) }
        return refresh?.value
    }

    /// Adds the family to its session's record, so sign-out can revoke it. A session that ended
    /// while the code was in flight (or whose record was purged after it ended: approval in a
    /// session always creates the record) already told the client it ended (Back-Channel Logout
    /// 1.0 §2.7), so the grant is refused: the family is revoked, whatever the policy says of
    /// refresh tokens at sign-out, and nothing is minted (RFC 6749 §5.2: the grant was revoked).
    /// - Throws: `invalidGrant` when the session ended; `serverError` when the store fails.
    private func recordFamily(_ family: RefreshFamily, in session: SessionID, now: Date) async throws(OAuthError) {
        let recording = try await seam {
            try await store.updateSession(session) { $0?.record(family: family.id) }
        }
        guard recording == .recorded else {
            _ = try await seam { try await store.updateFamily(family.id) { $0?.revoke(at: now) } }
            throw .invalidGrant("the session this grant was approved in has ended")
        }
    }

    /// The refresh token a rotation moves to, recorded in the family's index before the rotation
    /// makes it current (RFC 9700 §4.14.2), so a concurrent lookup never misses it. Derived from
    /// the presented token with the server key, not random: a grace retry answers the same next
    /// token as the first use did, so two holders of one refresh token converge.
    func rotatedRefreshToken(
        following presented: String, for family: FamilyID, recorded: Bool
    ) async throws(OAuthError) -> MintedSecret {
        let next = serverKey.refreshToken(following: presented, prefix: policy.refreshTokenPrefix)
        if recorded {
            try await seam { try await store.insertRefreshToken(at: next.digest, family: family) }
        }
        return next
    }

    /// Revokes the family a replayed code's redemption created (RFC 6749 §4.1.2), or leaves a
    /// revoked one in its place if the redemption has not stored it yet.
    func revokeFamily(of code: AuthorizationCode, now: Date) async throws(OAuthError) {
        try await revokeFamily(AuthorizationCodeGrant.revokedFamily(of: code, at: now), now: now)
    }

    /// Revokes the family `tombstone` names, or stores the tombstone (already revoked) when the
    /// family is not stored yet: a replayed code or device code (RFC 8628 §3.5 reuses §4.1.2's rule).
    func revokeFamily(_ tombstone: RefreshFamily, now: Date) async throws(OAuthError) {
        try await seam {
            try await store.updateFamily(tombstone.id) { family in
                if family == nil { family = tombstone } else { family?.revoke(at: now) }
            }
        }
    }

    /// Adds the approval to the user's authorization of the client, creating one if none is active.
    func recordAuthorization(
        subject: Subject, client: ClientID, scopes: ScopeSet, now: Date
    ) async throws(OAuthError) -> AuthorizationID {
        let candidate = AuthorizationID(random: random)
        return try await seam {
            try await store.updateAuthorization(subject: subject, client: client) { current in
                if var existing = current {
                    existing.approve(scopes, at: now)
                    current = existing
                    return existing.id
                }
                current = UserAuthorization(id: candidate, subject: subject, client: client, scopes: scopes, at: now)
                return candidate
            }
        }
    }
}

extension TokenPlan.Family {
    /// The family the access token hangs from.
    var id: FamilyID? {
        switch self {
        case .none: nil
        case .start(let start): start.id
        case .continued(let id, _): id
        }
    }
}

/// Runs a seam call, turning any failure of the host's I/O into `server_error` so that no
/// storage detail reaches a client.
@inline(__always)
func seam<T>(_ body: () async throws -> T) async throws(OAuthError) -> T {
    do { return try await body() } catch { throw .serverError }
}
