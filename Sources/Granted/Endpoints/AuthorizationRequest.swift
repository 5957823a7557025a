import Foundation

/// A validated authorization request (RFC 6749 §4.1.1, §4.2.1; OpenID Connect Core §3.1.2.1):
/// what the host shows on its sign-in and consent pages, and hands back to `approve` or `deny`.
public struct AuthorizationRequest: Sendable, Hashable {
    /// OpenID Connect `prompt` values (Core §3.1.2.1).
    public enum Prompt: String, Sendable, Hashable, CaseIterable {
        case none, login, consent
        case selectAccount = "select_account"
    }

    /// What a consent page may show of the client; never its secret.
    public let client: ClientView
    /// The registered URI the response goes to.
    public let redirectURI: String
    /// Whether `redirect_uri` was in the request: then the token request must repeat it (§4.1.3).
    public let redirectURIWasGiven: Bool
    public let responseType: ResponseType
    public let responseMode: ResponseMode
    public let scopes: ScopeSet
    /// The resources named by `resource` (RFC 8707 §2), or the policy's defaults: what the
    /// code is for, and the implicit token's audience.
    public let resources: Audience
    public let state: String?
    public let nonce: String?
    public let challenge: PKCEChallenge?
    public let prompt: Set<Prompt>
    /// Seconds since the user's last sign-in beyond which they must sign in again (Core §3.1.2.1).
    public let maxAge: Int?
    /// Parameters the engine does not act on but hands to the host (`display`, `ui_locales`,
    /// `claims_locales`, `login_hint`, `id_token_hint`, `acr_values`).
    public let hints: [String: String]
    /// `dpop_jkt` (RFC 9449 §10): the thumbprint of the key the code is bound to.
    public let keyThumbprint: String?
    /// Every parameter as the client sent it, for a host that carries the request through its
    /// sign-in and consent forms and validates it again when they come back.
    public let parameters: FormParameters
    /// Whether it came from the pushed authorization request endpoint (RFC 9126 §4). Then
    /// `parameters` are the pushed ones and its `request_uri` is used up: a host that carries
    /// the request through its forms keeps this value in its session instead of validating again.
    public let isPushed: Bool

    init(
        client: Client, redirectURI: String, redirectURIWasGiven: Bool, responseType: ResponseType,
        responseMode: ResponseMode, scopes: ScopeSet, resources: Audience, state: String?, nonce: String?, challenge: PKCEChallenge?,
        prompt: Set<Prompt>, maxAge: Int?, hints: [String: String], parameters: FormParameters,
        isPushed: Bool = false, keyThumbprint: String? = nil
    ) {
        self.client = ClientView(client)
        self.redirectURI = redirectURI
        self.redirectURIWasGiven = redirectURIWasGiven
        self.responseType = responseType
        self.responseMode = responseMode
        self.scopes = scopes
        self.resources = resources
        self.state = state
        self.nonce = nonce
        self.challenge = challenge
        self.prompt = prompt
        self.maxAge = maxAge
        self.hints = hints
        self.parameters = parameters
        self.isPushed = isPushed
        self.keyThumbprint = keyThumbprint
    }

    /// Whether this is an OpenID Connect request (`openid` scope, Core §3.1.2.1).
    public var isOpenIDConnect: Bool { scopes.contains(.openid) }
}

/// What validating an authorization request answers.
public enum AuthorizationValidation: Sendable {
    case valid(AuthorizationRequest)
    /// An error for the client, already encoded into its redirect URI (§4.1.2.1).
    case redirect(OAuthResponse, OAuthError)
    /// An error for the user, never redirected: unknown client or redirect URI (§4.1.2.1).
    /// The host renders its own page; `response` is a plain default.
    case userFacing(OAuthError, response: OAuthResponse)
}

/// A client as a sign-in or consent page shows it (RFC 6749 §4.1.1): who is asking, with no
/// way to reach its secret.
public struct ClientView: Sendable, Hashable {
    public let id: ClientID
    public let name: String
    public let redirectURIs: [String]
    public let isConfidential: Bool

    init(_ client: Client) {
        id = client.id
        name = client.name
        redirectURIs = client.redirectURIs
        isConfidential = client.isConfidential
    }
}
