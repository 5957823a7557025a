import Granted

/// A client the simulation acts as: its registration, how it authenticates, and the redirect
/// URI it uses. It must allow the authorization code and refresh token grants; those that also
/// allow the device code grant (the public ones below) run device authorizations too.
public struct SimulatedClient: Sendable {
    public let client: Client
    public let authentication: ClientAuth
    public let redirectURI: String

    public init(client: Client, authentication: ClientAuth, redirectURI: String) {
        self.client = client
        self.authentication = authentication
        self.redirectURI = redirectURI
    }

    /// A confidential client with a SHA-256 secret hash, authenticating with HTTP Basic or in the body.
    public static func confidential(
        _ id: ClientID, secret: String, redirectURI: String, inBody: Bool = false, backchannelLogoutURI: String? = nil
    ) -> SimulatedClient {
        let credentials = BasicCredentials(clientID: id, secret: secret)
        return SimulatedClient(
            client: Client(
                id: id, authentication: .clientSecret(SHA256SecretHasher().hash(secret)), redirectURIs: [redirectURI],
                grantTypes: [.authorizationCode, .refreshToken], backchannelLogoutURI: backchannelLogoutURI),
            authentication: inBody ? .body(credentials) : .basic(credentials), redirectURI: redirectURI)
    }

    /// A public client (RFC 6749 §2.1): PKCE on every code, refresh tokens always rotate; it may
    /// also sign in as a device (RFC 8628).
    public static func publicClient(_ id: ClientID, redirectURI: String) -> SimulatedClient {
        SimulatedClient(
            client: Client(
                id: id, redirectURIs: [redirectURI], grantTypes: [.authorizationCode, .refreshToken, .deviceCode]),
            authentication: .publicClient(id), redirectURI: redirectURI)
    }

    /// The client the simulation's assertion step authenticates as, with `client_secret_jwt`
    /// (RFC 7523 §2.2) under a derived secret and the client credentials grant; the simulation
    /// registers it beside the clients it is given.
    public static let assertionClientID: ClientID = "sim-assertion"

    /// A confidential web app (Basic) told of sign-outs (Back-Channel Logout 1.0 §2.2), a second
    /// one authenticating in the body, a native app.
    public static let standard: [SimulatedClient] = [
        .confidential(
            "sim-web", secret: "sim-web-secret", redirectURI: "https://web.example.com/callback",
            backchannelLogoutURI: "https://web.example.com/backchannel"),
        .confidential(
            "sim-backend", secret: "sim-backend-secret", redirectURI: "https://backend.example.com/cb", inBody: true),
        .publicClient("sim-native", redirectURI: "com.example.native:/oauth/callback"),
    ]
}
