import Granted

/// An authorization response as the client's redirect URI receives it (RFC 6749 §4.1.2,
/// §4.2.2): a 303 whose `Location` carries the parameters in its query or fragment.
public struct AuthorizationRedirect: Sendable {
    public enum Mode: Sendable, Hashable { case query, fragment }

    public let response: OAuthResponse
    public let mode: Mode
    /// The redirect URI up to the parameters the server added.
    public let target: String
    public let parameters: [(name: String, value: String)]

    /// - Throws: `UnexpectedResponse` when `response` is not a redirect with parameters.
    public init(_ response: OAuthResponse) throws(UnexpectedResponse) {
        self.response = response
        guard response.status == 303, let location = response.headers["Location"] else {
            throw UnexpectedResponse("not a redirect", response)
        }
        let separator: String.Index
        if let hash = location.firstIndex(of: "#") {
            separator = hash
            mode = .fragment
        } else if let mark = location.firstIndex(of: "?") {
            separator = mark
            mode = .query
        } else {
            throw UnexpectedResponse("Location carries no parameters: \(location)", response)
        }
        target = String(location[..<separator])
        guard let pairs = FormEncoder.decode(location[location.index(after: separator)...]) else {
            throw UnexpectedResponse("malformed parameters in \(location)", response)
        }
        parameters = pairs
    }

    public subscript(name: String) -> String? { parameters.first { $0.name == name }?.value }
    /// The authorization code, nil in an error response.
    public var code: String? { self["code"] }
    /// The `error` code (§4.1.2.1), nil on success.
    public var error: String? { self["error"] }
    public var state: String? { self["state"] }
}

/// A response other than the one a helper expected, with the response for the failure message.
public struct UnexpectedResponse: Error, CustomStringConvertible {
    public let message: String
    public let response: OAuthResponse?

    public init(_ message: String, _ response: OAuthResponse? = nil) {
        self.message = message
        self.response = response
    }

    public var description: String {
        guard let response else { return message }
        return "\(message): \(response.status) \(response.bodyText)"
    }
}
