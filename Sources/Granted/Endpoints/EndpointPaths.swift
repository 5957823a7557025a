/// Where the host serves each endpoint: the metadata advertises these, `handle` routes by them.
public struct EndpointPaths: Sendable, Hashable {
    public var authorization = "/authorize"
    public var token = "/token"
    public var revocation = "/revoke"
    public var introspection = "/introspect"
    public var userInfo = "/userinfo"
    /// The device authorization endpoint (RFC 8628 §3.1).
    public var deviceAuthorization = "/device_authorization"
    /// The host's verification page (RFC 8628 §3.2 `verification_uri`): a path on the issuer, or
    /// an absolute URL (a short one is easier to type on a phone).
    public var deviceVerification = "/device"
    public var jwks = "/.well-known/jwks.json"
    /// OpenID Connect Discovery 1.0 §4.
    public var openIDConfiguration = "/.well-known/openid-configuration"
    /// RFC 8414 §3 (for an issuer without a path component).
    public var authorizationServerMetadata = "/.well-known/oauth-authorization-server"
    /// The client registration endpoint (RFC 7591 §3); each client's configuration endpoint
    /// (RFC 7592 §2) is under it, `<registration>/<client_id>`.
    public var registration = "/register"
    /// The pushed authorization request endpoint (RFC 9126 §2).
    public var pushedAuthorizationRequest = "/par"
    /// The end-session endpoint (RP-Initiated Logout 1.0 §2), the host's: it ends its own session.
    public var endSession = "/logout"
    public init() {}

    /// Every path `AuthorizationServer.handle(_:)` answers (all but the authorization endpoint,
    /// which needs the host's pages), for registering routes. Registration adds `registration`
    /// and every path under `registration + "/"` when `Policy.registration` is not closed.
    public var handled: [String] {
        [token, pushedAuthorizationRequest, deviceAuthorization, revocation, introspection, userInfo, jwks, openIDConfiguration, authorizationServerMetadata]
    }
}
