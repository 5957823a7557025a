import Foundation

/// A per-user API key: acts as the user with all of their access. Stored under its SHA-256;
/// its value is shown once, when it is created.
public struct APIKey: Sendable, Hashable {
    public let id: APIKeyID
    public let subject: Subject
    /// The user's label for it, e.g. "laptop script".
    public let name: String
    public let createdAt: Date
    public private(set) var state: RevocationState

    /// - Parameter state: `.active` for a new key; a store passes the state it kept.
    public init(id: APIKeyID, subject: Subject, name: String, createdAt: Date, state: RevocationState = .active) {
        self.id = id
        self.subject = subject
        self.name = name
        self.createdAt = createdAt
        self.state = state
    }

    public var isActive: Bool { state.isActive }

    @discardableResult
    public mutating func revoke(at now: Date) -> Bool {
        guard isActive else { return false }
        state = .revoked(at: now)
        return true
    }

    public var deadSince: Date? {
        if case .revoked(let at) = state { return at }
        return nil
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension APIKey: Codable {}
