/// One scope token (RFC 6749 §3.3): `1*( %x21 / %x23-5B / %x5D-7E )`.
public struct Scope: RawRepresentable, Sendable, Hashable, Comparable, Codable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    public let rawValue: String
    /// Trusts the caller (a host constant); input goes through `init?(validating:)`.
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    /// A scope token from input, or nil when it is empty or has a character §3.3 forbids.
    public init?(validating text: Substring) {
        guard !text.isEmpty, text.utf8.allSatisfy(Scope.isScopeCharacter) else { return nil }
        self.rawValue = String(text)
    }
    public var description: String { rawValue }
    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    @inline(__always)
    static func isScopeCharacter(_ byte: UInt8) -> Bool {
        byte == 0x21 || (byte >= 0x23 && byte <= 0x5B) || (byte >= 0x5D && byte <= 0x7E)
    }

    /// Granted when a request names no scope (the specifying API's default).
    public static let `public`: Scope = "public"
    /// OpenID Connect Core §3.1.2.1: makes a request an OpenID Connect request.
    public static let openid: Scope = "openid"
    /// OpenID Connect Core §5.4 claim scopes.
    public static let profile: Scope = "profile"
    public static let email: Scope = "email"
    public static let address: Scope = "address"
    public static let phone: Scope = "phone"
    /// Refresh tokens that outlive the user's session (OpenID Connect Core §11): sign-out leaves
    /// them working.
    public static let offlineAccess: Scope = "offline_access"
}
