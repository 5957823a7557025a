import Foundation

/// The device authorization grant (RFC 8628): what the device authorization endpoint records
/// (§3.1, §3.2), the poll of the token endpoint as one pure transition the store applies
/// atomically (§3.4, §3.5), and the plan of what an approved authorization issues.
enum DeviceCodeGrant {
    /// The token request's parameters (§3.4).
    struct Request: Sendable, Hashable {
        let deviceCode: String

        /// - Throws: `invalidRequest` for a missing or repeated `device_code` (§3.4; RFC 6749 §3.2).
        init(_ form: FormParameters) throws(OAuthError) {
            guard let code = try form.single("device_code") else { throw .invalidRequest("device_code is required") }
            deviceCode = code
        }
    }

    enum Outcome: Sendable, Hashable {
        case granted(DeviceAuthorization.Approval, DeviceAuthorization)
        case replayed(DeviceAuthorization.Approval, DeviceAuthorization)
        case error(OAuthError)
    }

    /// What the device authorization endpoint records (§3.1): the scopes and resources checked as
    /// for every grant, then a new pending authorization.
    /// - Throws: `unauthorizedClient` for a client not allowed the grant (§3.1, RFC 6749 §5.2),
    ///   `invalidScope` (§3.1), `invalidTarget` (RFC 8707 §2).
    static func authorize(
        client: Client, scope: String?, resources: Audience?, policy: Policy
    ) throws(OAuthError) -> (scopes: ScopeSet, resources: Audience) {
        guard client.allows(.deviceCode) else {
            throw .unauthorizedClient("the client may not use the device authorization grant")
        }
        let scopes = try ScopeRules.resolve(scope, client: client, policy: policy)
        let audience = ResourceRules.audience(requested: resources, policy: policy)
        _ = try ResourceRules.scopes(scopes, for: audience, policy: policy)  // fails now, not at the poll
        return (scopes, audience)
    }

    /// One poll (§3.4, §3.5). The binding is checked first and leaves the authorization as it
    /// was, so another client cannot burn or pace a device's code (§3.4: the device code is the
    /// client's); a `resource` outside the authorization's is `invalid_target` and changes nothing.
    static func poll(
        _ device: inout DeviceAuthorization, client: ClientID, resources: Audience?, at now: Date
    ) -> Outcome {
        guard device.client == client else { return .error(.invalidGrant("the device code was issued to another client")) }
        if let resources, !resources.isSubset(of: device.resources) {
            return .error(.invalidTarget("the resource was not part of the device authorization"))
        }
        switch device.poll(at: now) {
        case .pending: return .error(.authorizationPending)
        case .slowDown: return .error(.slowDown)
        case .denied: return .error(.accessDenied)
        case .expired: return .error(.expiredToken)
        case .granted(let approval): return .granted(approval, device)
        case .replayed(let approval): return .replayed(approval, device)
        }
    }

    /// What an approved device authorization issues (§3.5; RFC 6749 §5.1): as a redeemed code
    /// does, an access token in a new family, a refresh token when the policy and the client
    /// allow it, and an ID token when `openid` was approved.
    /// - Throws: `invalidGrant` when the user revoked the authorization meanwhile.
    static func plan(
        for approval: DeviceAuthorization.Approval, device: DeviceAuthorization, client: Client,
        authorization: UserAuthorization?, resources: Audience?, policy: Policy, now: Date
    ) throws(OAuthError) -> TokenPlan {
        guard let authorization, authorization.isActive else {
            throw .invalidGrant("the user revoked this authorization")
        }
        let audience = try ResourceRules.narrow(device.resources, to: resources)
        let start = FamilyStart(
            id: device.family, authTime: approval.authTime,
            expiresAt: policy.refreshTokenLifetime.map { now + $0 },
            issuesRefreshToken: policy.issuesRefreshTokens && client.allows(.refreshToken),
            scopes: approval.scopes, resources: device.resources, sessionID: approval.sessionID)
        let idToken =
            approval.scopes.contains(.openid)
            ? IDTokenPlan(nonce: nil, authTime: approval.authTime, sessionID: approval.sessionID) : nil
        return TokenPlan(
            client: client.id, subject: approval.subject,
            scopes: try ResourceRules.scopes(approval.scopes, for: audience, policy: policy), audience: audience,
            authorization: approval.authorization, authTime: approval.authTime, family: .start(start),
            idToken: idToken)
    }

    /// The family a replayed redemption created, revoked; stored in its place when the first
    /// redemption has not stored it yet, so the tokens it is about to issue are born dead.
    static func revokedFamily(
        of device: DeviceAuthorization, approval: DeviceAuthorization.Approval, at now: Date
    ) -> RefreshFamily {
        RefreshFamily(
            id: device.family, client: device.client, subject: approval.subject, scopes: approval.scopes,
            authorization: approval.authorization, authTime: approval.authTime, createdAt: now, expiresAt: now,
            current: nil, accessTokensExpireBy: now, state: .revoked(at: now), resources: device.resources,
            sessionID: approval.sessionID)
    }
}
