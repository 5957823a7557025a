import Foundation

/// Everything a deployment decides, in one value set at start-up. Defaults follow the API
/// Granted was specified from and the OAuth 2.0 Security BCP (RFC 9700).
public struct Policy: Sendable {
    // MARK: Lifetimes
    /// Access tokens expire after 14 days; nil: never.
    public var accessTokenLifetime: TimeInterval? = 14 * 24 * 3600
    /// Codes live 30 seconds (RFC 6749 §4.1.2 recommends at most 10 minutes).
    public var authorizationCodeLifetime: TimeInterval = 30
    /// ID tokens expire after one hour (OpenID Connect Core §2 `exp`).
    public var idTokenLifetime: TimeInterval = 3600
    /// Refresh tokens do not expire by default; a number ends a family that long after the code.
    public var refreshTokenLifetime: TimeInterval? = nil
    /// A refresh token unused this long stops working; nil: no idle expiry.
    public var refreshTokenIdleLifetime: TimeInterval? = nil

    // MARK: Device authorization (RFC 8628)
    /// Device codes and user codes live 10 minutes (`expires_in`, §3.2).
    public var deviceCodeLifetime: TimeInterval = 600
    /// The seconds a device waits between polls (`interval`, §3.2); each `slow_down` adds 5 (§3.5).
    public var devicePollingInterval: TimeInterval = 5
    /// Wrong entries of one user code before its device authorization is burned (§5.1). The
    /// per-session limit across codes is the host's (its session knows the user agent).
    public var maxFailedUserCodeEntries = 5

    // MARK: Pushed authorization requests (RFC 9126)
    /// A `request_uri` works for 60 seconds (`expires_in`, §2.2; the RFC suggests 5 to 600).
    public var pushedRequestLifetime: TimeInterval = 60
    /// Every client must push its authorization requests: a plain one is refused with
    /// `invalid_request` (§4), and the metadata says so (§5). `Client` has the per-client switch.
    public var requiresPushedAuthorizationRequests = false

    // MARK: Refresh tokens
    /// Issue refresh tokens with the authorization code and device code grants (never with
    /// others, §4.2, §4.4.3).
    public var issuesRefreshTokens = true
    /// Rotate refresh tokens of confidential clients too (public clients always rotate, RFC 9700 §2.2.2).
    public var rotatesRefreshTokens = true
    /// How long a rotated-out refresh token may be retried once (a lost response); 0: never.
    public var refreshTokenGracePeriod: TimeInterval = 0

    // MARK: Scopes
    /// Granted when a request names no scope.
    public var defaultScopes: ScopeSet = [.public]
    /// Every scope this server knows; asking for another is `invalid_scope` (§3.3).
    public var knownScopes: ScopeSet = [.public, .openid, .profile, .email, .address, .phone]

    // MARK: Authorization requests (RFC 9700)
    /// PKCE for every client, not only public ones (RFC 9700 §2.1.1 recommends it).
    public var requiresPKCEForConfidentialClients = false
    /// Accept `code_challenge_method=plain` (RFC 7636 §4.2; RFC 9700 §2.1.1 says use S256).
    public var allowsPlainPKCE = false
    /// Accept `http` redirect URIs on non-loopback hosts (RFC 9700 §2.6 says no).
    public var allowsInsecureRedirectURIs = false
    /// `prompt=login` is satisfied by a sign-in at most this long before `approve`: the time the
    /// user takes from the sign-in page to the consent decision (OpenID Connect Core §3.1.2.1).
    public var promptLoginWindow: TimeInterval = 300

    // MARK: ID tokens
    /// Sign ID tokens with a symmetric key (HS256). Off: a relying party that can check such a
    /// token can forge one for every other client, unless each is keyed with its own secret
    /// (OpenID Connect Core §10.1). With it off, a symmetric `SigningKeys.active` turns OpenID
    /// Connect off; production deployments sign with an asymmetric key (RS256, ES256, EdDSA).
    public var allowsSymmetricIDTokenSignatures = false

    // MARK: Token format
    /// Prefixes naming each kind of secret, so a leaked one is recognised (and scanners can find it).
    public var accessTokenPrefix = "gat_"
    public var refreshTokenPrefix = "grt_"
    public var authorizationCodePrefix = "gac_"
    public var apiKeyPrefix = "gak_"
    /// Client secrets issued at registration (RFC 7591 §3.2.1).
    public var clientSecretPrefix = "gcs_"
    /// Registration access tokens (RFC 7592 §1.2).
    public var registrationAccessTokenPrefix = "grg_"
    public var deviceCodePrefix = "gdc_"
    /// RFC 9126 §2.2 fixes the prefix of a pushed request's `request_uri`.
    static let requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

    // MARK: Resources (RFC 8707)
    /// The protected resources tokens are issued for, and the default audience. Empty: no
    /// `resource` parameter is accepted and tokens carry no audience.
    public var resources = ResourceRegistry()

    // MARK: Endpoints
    /// Who may register clients dynamically (RFC 7591 §3); the endpoint needs a `ClientRegistry`
    /// as the server's client store (the in-memory default is one). Closed by default.
    public var registration: RegistrationAccess = .closed
    /// What a dynamically registered client may ask for, whatever its `scope` member says: the
    /// server replaces the value and the response shows it (RFC 7591 §2, §3.2.1). Nil keeps the
    /// registered `scope` as the client's limit. An MCP client registers with the scope of its
    /// first challenge and steps up for more later (MCP authorization specification, scope
    /// challenge handling), which a registered limit would refuse.
    public var registrationScopes: ScopeSet?
    /// Which clients may call the introspection endpoint (RFC 7662 §2.1, §4).
    public var introspectionAccess: IntrospectionAccess = .issuedToCallerOrResourceServer

    // MARK: Client assertions (RFC 7523 §3)
    /// Clock skew allowed for an assertion's `exp`, `nbf` and `iat` (§3 items 4-6).
    public var clientAssertionLeeway: TimeInterval = 30
    /// The longest an assertion may live, from now and from its `iat`: its `jti` is kept that
    /// long (§3 item 7), so this bounds the store.
    public var clientAssertionMaximumLifetime: TimeInterval = 3600
    /// What an assertion's `aud` must be: by default the issuer or an endpoint URL (RFC 7523 §3
    /// item 3, RFC 9126 §2), which clients written before RFC 10070 send; `.issuerOnly` applies
    /// RFC 10070, the issuer identifier as the sole value, at every endpoint.
    public var clientAssertionAudience: ClientAssertionAudience = .issuerOrEndpoint

    // MARK: DPoP (RFC 9449)
    /// How DPoP proofs are checked, at the token endpoint and the guards this server builds. DPoP
    /// is on when the server has a `PublicKeyVerification`.
    public var dpop = DPoPPolicy()

    // MARK: Input
    /// Bounds on what a request may carry, for every endpoint and the resource guard.
    public var inputLimits = InputLimits()

    /// Whether ending a session (`AuthorizationServer.signOut`) also revokes the refresh tokens
    /// issued in it, but for those granted `offline_access`, which outlive the session (OpenID
    /// Connect Core §11; Back-Channel Logout 1.0 §2.7).
    public var signOutRevokesRefreshTokens = true
    /// How long a logout token is valid (Back-Channel Logout 1.0 §2.4: short, "two minutes or less").
    public var logoutTokenLifetime: TimeInterval = 120

    public init() {}

    /// The refresh rules for one client: public clients always rotate.
    func refreshRules(for client: Client) -> RefreshFamily.Rules {
        RefreshFamily.Rules(
            rotate: rotatesRefreshTokens || !client.isConfidential,
            gracePeriod: refreshTokenGracePeriod, idleLifetime: refreshTokenIdleLifetime)
    }

    /// Whole seconds, so that a token dies exactly when its `expires_in` says (RFC 6749 §5.1).
    func accessTokenExpiry(from now: Date) -> Date? {
        accessTokenLifetime.map { now + $0.rounded(.down) }
    }
}
