import Granted

/// How a client authenticates at the token, revocation and introspection endpoints
/// (RFC 6749 §2.3.1, §3.2.1).
public enum ClientAuth: Sendable, Hashable {
    /// `Authorization: Basic` (`client_secret_basic`).
    case basic(BasicCredentials)
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    case body(BasicCredentials)
    /// A public client: `client_id` alone in the body (`none`).
    case publicClient(ClientID)
    /// A JWT assertion (`client_secret_jwt`, `private_key_jwt`; RFC 7523 §2.2) in
    /// `client_assertion`, with `client_id` in the body too when `sendsClientID`.
    case assertion(String, clientID: ClientID, sendsClientID: Bool = false)

    public var clientID: ClientID {
        switch self {
        case .basic(let credentials), .body(let credentials): credentials.clientID
        case .publicClient(let id), .assertion(_, let id, _): id
        }
    }

    /// The form parameters and headers this authentication adds to a request.
    func apply(to parameters: [(String, String?)]) -> (parameters: [(String, String?)], headers: HeaderFields) {
        switch self {
        case .basic(let credentials):
            (parameters, ["Authorization": credentials.headerValue])
        case .body(let credentials):
            (parameters + [("client_id", credentials.clientID.rawValue), ("client_secret", credentials.secret)], [:])
        case .publicClient(let id):
            (parameters + [("client_id", id.rawValue)], [:])
        case .assertion(let assertion, let id, let sendsClientID):
            (
                parameters + [
                    ("client_id", sendsClientID ? id.rawValue : nil),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion),
                ], [:]
            )
        }
    }
}
