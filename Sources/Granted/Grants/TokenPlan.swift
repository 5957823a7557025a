import Foundation

/// What a grant decided the token endpoint issues (RFC 6749 §5.1): a value the issuer carries
/// out. Grants build it from the parsed request, the stored state, the policy and the time;
/// they never mint, hash or store anything themselves.
struct TokenPlan: Sendable, Hashable {
    /// The token family the access token hangs from (RFC 9700 §4.14.2).
    enum Family: Sendable, Hashable {
        /// No family: an app-only token (client credentials, §4.4.3: no refresh token).
        case none
        /// A code redemption starts one (§4.1.4); with a refresh token when the plan says so.
        case start(FamilyStart)
        /// A refresh continues one (§6); `refreshToken` is the rotated-to value already recorded.
        case continued(FamilyID, refreshToken: String?)
    }

    let client: ClientID
    /// Nil for an app-only token.
    let subject: Subject?
    let scopes: ScopeSet
    /// The access token's audience (RFC 8707 §2); the scopes are already narrowed to it.
    let audience: Audience
    let authorization: AuthorizationID?
    /// When the user signed in (JWT access tokens' `auth_time`, RFC 9068 §2.2.1); nil app-only.
    let authTime: Date?
    let family: Family
    /// Whether and how to add an ID token (OpenID Connect Core §3.1.3.3, §12.2).
    let idToken: IDTokenPlan?
    /// The key a DPoP proof of the token request showed (RFC 9449 §5, §6): the access token is
    /// bound to it and issued as `token_type` `DPoP`. Nil: a bearer token.
    var keyThumbprint: String? = nil
    /// Bind a new family's refresh token to `keyThumbprint` too: a public client's (§5).
    var bindsRefreshToken = false
}

/// The family a code redemption starts: everything but the refresh token the issuer mints.
struct FamilyStart: Sendable, Hashable {
    let id: FamilyID
    let authTime: Date
    let expiresAt: Date?
    let issuesRefreshToken: Bool
    /// The scopes and resources the family was granted (the code's), which refresh narrows.
    let scopes: ScopeSet
    let resources: Audience
    /// The session the code was approved in (Back-Channel Logout 1.0 §2.1).
    var sessionID: SessionID? = nil
}

/// The claims of an ID token that depend on the grant (OpenID Connect Core §2, §3.1.3.6).
struct IDTokenPlan: Sendable, Hashable {
    let nonce: String?
    let authTime: Date
    /// `response_type=id_token`: no access token will reach userinfo, so the scopes' claims go
    /// in the ID token itself (Core §5.4).
    var releasesClaims = false
    /// `sid` (Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.1): the session signed in with.
    var sessionID: SessionID? = nil
}
