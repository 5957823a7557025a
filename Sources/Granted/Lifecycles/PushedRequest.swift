import Foundation

/// A pushed authorization request (RFC 9126 §2): the parameters a client posted, already
/// validated, waiting for the authorization endpoint to run them once (§4). Stored under the
/// SHA-256 of its `request_uri`, bound to the client that pushed it, expiring (§2.2).
public struct PushedRequest: Sendable, Hashable {
    /// One `name=value` pair as pushed, in order.
    public struct Parameter: Sendable, Hashable, Codable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public enum State: Sendable, Hashable {
        case pushed
        /// Run at the authorization endpoint; it never runs again (§4).
        case used(at: Date)
    }

    /// What a use at the authorization endpoint finds (§4).
    public enum Use: Sendable, Hashable {
        case granted([Parameter])
        /// Past `expiresAt`: "an expired request_uri MUST be rejected as invalid" (§4).
        case expired
        /// Used before: one-time use (§4).
        case used
        /// Another client names it (§4: it is bound to the client that pushed it); left unused.
        case otherClient
    }

    public let client: ClientID
    /// The authorization request's parameters, without the client's credentials.
    public let parameters: [Parameter]
    public let issuedAt: Date
    public let expiresAt: Date
    public private(set) var state: State

    public init(
        client: ClientID, parameters: [Parameter], issuedAt: Date, expiresAt: Date, state: State = .pushed
    ) {
        self.client = client
        self.parameters = parameters
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.state = state
    }

    /// Uses the request for `client`: `pushed` and unexpired moves to `used` and answers the
    /// parameters; any other case changes nothing. "Used" comes first, as for codes.
    public mutating func use(by client: ClientID, at now: Date) -> Use {
        if case .used = state { return .used }
        guard client == self.client else { return .otherClient }
        guard now < expiresAt else { return .expired }
        state = .used(at: now)
        return .granted(parameters)
    }

    /// When the record stops mattering: its use, or its expiry.
    public var deadSince: Date {
        if case .used(let at) = state { return at }
        return expiresAt
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension PushedRequest.State: Codable {}
extension PushedRequest: Codable {}
