/// An authorization endpoint `response_type` (RFC 6749 §3.1.1; OAuth 2.0 Multiple Response Type
/// Encoding Practices §3): a space-delimited set whose order does not matter.
public struct ResponseType: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let code = ResponseType(rawValue: 1)
    public static let token = ResponseType(rawValue: 2)
    public static let idToken = ResponseType(rawValue: 4)

    /// Every combination this engine knows: OAuth 2.0 and OpenID Connect Core §3.
    public static let known: [ResponseType] = [
        .code, .token, .idToken, [.idToken, .token], [.code, .idToken], [.code, .token],
        [.code, .idToken, .token],
    ]

    /// Parses the wire form; nil for anything unknown, empty or repeated (`code code`).
    public init?(parsing text: String) {
        var value = ResponseType()
        // Space-separated (RFC 6749 §3.1.1), walked in place: an empty part is refused below.
        var rest = Substring(text)
        while true {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            let part = rest[..<end]
            let member: ResponseType
            switch part {
            case "code": member = .code
            case "token": member = .token
            case "id_token": member = .idToken
            default: return nil
            }
            guard !value.contains(member) else { return nil }
            value.insert(member)
            guard end < rest.endIndex else { break }
            rest = rest[rest.index(after: end)...]
        }
        guard !value.isEmpty else { return nil }
        self = value
    }

    /// The canonical wire form, as the discovery metadata lists it.
    public var description: String {
        var parts: [String] = []
        if contains(.code) { parts.append("code") }
        if contains(.idToken) { parts.append("id_token") }
        if contains(.token) { parts.append("token") }
        return parts.joined(separator: " ")
    }

    /// Whether any part of the response is returned from the authorization endpoint in the
    /// fragment by default (OAuth 2.0 Multiple Response Types §2.1, §5): all but `code`.
    public var defaultsToFragment: Bool { self != .code }
}

/// How the authorization response is returned (OAuth 2.0 Multiple Response Types §2.1;
/// OAuth 2.0 Form Post Response Mode).
public enum ResponseMode: String, Sendable, Hashable, CaseIterable {
    case query
    case fragment
    case formPost = "form_post"
}
