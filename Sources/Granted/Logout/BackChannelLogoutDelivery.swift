import Foundation

/// One POST the host must make after sign-out (Back-Channel Logout 1.0 §2.5): the `logout_token`
/// as a form body to the client's `backchannel_logout_uri`. The host sends it (with a timeout and
/// a few retries; a 200 or 204 means done, §2.8) and may ignore failures: the user is signed
/// out at the server either way.
public struct BackChannelLogoutDelivery: Sendable, Hashable {
    public let client: ClientID
    public let uri: String
    public let logoutToken: String

    public init(client: ClientID, uri: String, logoutToken: String) {
        self.client = client
        self.uri = uri
        self.logoutToken = logoutToken
    }

    /// `logout_token=…`, form-encoded (§2.5).
    public var body: [UInt8] { Array(FormEncoding.encode([("logout_token", logoutToken)]).utf8) }
    public static let contentType = "application/x-www-form-urlencoded"
}

/// What `AuthorizationServer.signOut` did: the deliveries the host makes, and how many refresh
/// token families it revoked (`Policy.signOutRevokesRefreshTokens`).
public struct SignOut: Sendable, Hashable {
    /// The session that ended; nil when it was unknown or had ended already (nothing to do).
    public let session: SessionID?
    public let deliveries: [BackChannelLogoutDelivery]
    public let revokedFamilies: Int

    public init(session: SessionID?, deliveries: [BackChannelLogoutDelivery], revokedFamilies: Int) {
        self.session = session
        self.deliveries = deliveries
        self.revokedFamilies = revokedFamilies
    }
}
