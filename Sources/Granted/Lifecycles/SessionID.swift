import Foundation

/// Identifies a user's session at the server (OpenID Connect Back-Channel Logout 1.0 §2.1 `sid`):
/// the host's own session identifier, or one the server mints. Not a secret (relying parties see
/// it in ID tokens), but unguessable when minted, so one cannot be named to sign another user out.
public struct SessionID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    /// 128 random bits, base64url.
    public init(random: any RandomSource) {
        rawValue = Base64URL.encode(random.bytes(16))
    }

    public var description: String { rawValue }
}
