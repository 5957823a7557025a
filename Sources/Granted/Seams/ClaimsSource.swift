/// A claim value about a user (OpenID Connect Core §5.1): the JSON shapes standard claims take.
public enum ClaimValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral
{
    case string(String)
    case bool(Bool)
    case int(Int)
    case object([String: ClaimValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    /// The value as JSON bytes.
    public var json: [UInt8] {
        switch self {
        case .string(let text):
            var out = [UInt8]()
            JSONWriter.appendString(text, to: &out)
            return out
        case .bool(let value): return Array((value ? "true" : "false").utf8)
        case .int(let value): return Array(String(value).utf8)
        case .object(let members):
            var writer = JSONWriter()
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                writer.field(named: name, rawJSON: value.json)
            }
            return writer.finish()
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

/// Where the host keeps what it knows about its users: userinfo (OpenID Connect Core §5.3),
/// ID token claims and introspection's `username` come from here.
public protocol ClaimsSource: Sendable {
    /// Every standard claim the host has for the user (`preferred_username`, `name`, `email`,
    /// `email_verified`, `address`, `phone_number`, …); Granted releases only those the granted
    /// scopes allow (Core §5.4). Nil when the user is unknown.
    func claims(for subject: Subject) async throws -> [String: ClaimValue]?
}

/// Which claims each scope releases (OpenID Connect Core §5.4).
public enum ScopeClaims {
    public static let profile = [
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    ]
    public static let email = ["email", "email_verified"]
    public static let address = ["address"]
    public static let phone = ["phone_number", "phone_number_verified"]

    /// The claims the scopes release, with the `sub` always included.
    public static func released(by scopes: ScopeSet) -> Set<String> {
        var names: Set<String> = ["sub"]
        if scopes.contains(.profile) { names.formUnion(profile) }
        if scopes.contains(.email) { names.formUnion(email) }
        if scopes.contains(.address) { names.formUnion(address) }
        if scopes.contains(.phone) { names.formUnion(phone) }
        return names
    }
}
