/// Every error Granted answers on the wire (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1;
/// RFC 7009 §2.2.1; OpenID Connect Core §3.1.2.6; RFC 8628 §3.5). The `String` of `invalidRequest` and its kin
/// is always a literal written in Granted, never client input, so it is safe to send back.
public enum OAuthError: Error, Sendable, Hashable {
    case invalidRequest(String)
    /// Client authentication failed; `basicChallenge` says the client tried HTTP Basic. Either way
    /// the 401 carries a Basic challenge (§5.2; RFC 9110 §15.5.2).
    case invalidClient(basicChallenge: Bool)
    case invalidGrant(String)
    case unauthorizedClient(String)
    case unsupportedGrantType
    case invalidScope(String)
    /// RFC 8707 §2: a `resource` that is malformed, unknown, or wider than the grant.
    case invalidTarget(String)
    case accessDenied
    case unsupportedResponseType
    case unsupportedTokenType
    case serverError
    case temporarilyUnavailable
    case invalidToken
    case insufficientScope(required: ScopeSet)
    // OpenID Connect Core §3.1.2.6
    case interactionRequired
    case loginRequired
    case consentRequired
    case requestNotSupported
    case requestURINotSupported
    // RFC 7591 §3.2.2
    /// A redirect URI that is malformed or not allowed (fragment, non-loopback `http`, a scheme
    /// RFC 8252 §7.1 does not allow).
    case invalidRedirectURI(String)
    /// Client metadata that is malformed, unknown or inconsistent.
    case invalidClientMetadata(String)
    // RFC 8628 §3.5: what a device polling the token endpoint is told
    case authorizationPending
    case slowDown
    case expiredToken
    // RFC 9449 §5, §7.1, §8: DPoP
    /// A DPoP proof that is malformed or fails a check of §4.3: 400 at the token endpoint,
    /// 401 with a `DPoP` challenge at a resource.
    case invalidDPoPProof(String)
    /// The proof lacks the server's current nonce (§8, §9); the response carries it in
    /// `DPoP-Nonce`. The nonce is the server's own value, never client input.
    case useDPoPNonce(String)
}

extension OAuthError {
    /// The registered error code and HTTP status of each case. One line per case, no `default:`.
    public var code: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .invalidClient: "invalid_client"
        case .invalidGrant: "invalid_grant"
        case .unauthorizedClient: "unauthorized_client"
        case .unsupportedGrantType: "unsupported_grant_type"
        case .invalidScope: "invalid_scope"
        case .invalidTarget: "invalid_target"
        case .accessDenied: "access_denied"
        case .unsupportedResponseType: "unsupported_response_type"
        case .unsupportedTokenType: "unsupported_token_type"
        case .serverError: "server_error"
        case .temporarilyUnavailable: "temporarily_unavailable"
        case .invalidToken: "invalid_token"
        case .insufficientScope: "insufficient_scope"
        case .interactionRequired: "interaction_required"
        case .loginRequired: "login_required"
        case .consentRequired: "consent_required"
        case .requestNotSupported: "request_not_supported"
        case .requestURINotSupported: "request_uri_not_supported"
        case .invalidRedirectURI: "invalid_redirect_uri"
        case .invalidClientMetadata: "invalid_client_metadata"
        case .authorizationPending: "authorization_pending"
        case .slowDown: "slow_down"
        case .expiredToken: "expired_token"
        case .invalidDPoPProof: "invalid_dpop_proof"
        case .useDPoPNonce: "use_dpop_nonce"
        }
    }

    /// RFC 6749 §5.2 (400, or 401 for client authentication), RFC 6750 §3.1 (401, 403).
    public var status: Int {
        switch self {
        case .invalidClient: 401
        case .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        case .invalidRequest, .invalidGrant, .unauthorizedClient, .unsupportedGrantType,
            .invalidScope, .invalidTarget, .accessDenied, .unsupportedResponseType, .unsupportedTokenType,
            .interactionRequired, .loginRequired, .consentRequired, .requestNotSupported,
            .requestURINotSupported, .invalidRedirectURI, .invalidClientMetadata,
            .authorizationPending, .slowDown, .expiredToken, .invalidDPoPProof, .useDPoPNonce:
            400
        }
    }

    /// A short human-readable description; a literal of Granted's, never echoed input.
    public var description: String? {
        switch self {
        case .invalidRequest(let text), .invalidGrant(let text), .unauthorizedClient(let text),
            .invalidScope(let text), .invalidTarget(let text), .invalidRedirectURI(let text),
            .invalidClientMetadata(let text), .invalidDPoPProof(let text):
            text
        case .invalidClient: "client authentication failed"
        case .unsupportedGrantType: "the grant type is not supported"
        case .accessDenied: "the resource owner denied the request"
        case .unsupportedResponseType: "the response type is not supported"
        case .unsupportedTokenType: "the token type is not supported"
        case .serverError: nil
        case .temporarilyUnavailable: nil
        case .invalidToken: "the access token is invalid, expired or revoked"
        case .insufficientScope: "the access token lacks the required scope"
        case .interactionRequired: "the user must interact with the authorization server"
        case .loginRequired: "the user must sign in"
        case .consentRequired: "the user must consent"
        case .requestNotSupported: "request objects are not supported"
        case .requestURINotSupported: "request_uri is not supported"
        case .authorizationPending: "the user has not decided yet"
        case .slowDown: "polling too fast: add 5 seconds to the interval"
        case .expiredToken: "the device code has expired"
        case .useDPoPNonce: "the DPoP proof must carry the nonce of the DPoP-Nonce header"
        }
    }
}
