import Foundation

/// Whether a grant record still works: the one state that access tokens, refresh families, user
/// authorizations and API keys share. Revocation is final (RFC 7009 §2.1).
public enum RevocationState: Sendable, Hashable, Codable {
    case active
    case revoked(at: Date)

    /// Not revoked. Records that also expire answer `isActive(at:)` on top of this.
    public var isActive: Bool { self == .active }

    /// When it was revoked; nil while active.
    public var revokedAt: Date? {
        if case .revoked(let at) = self { at } else { nil }
    }
}
