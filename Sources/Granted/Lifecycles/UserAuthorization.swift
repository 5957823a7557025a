import Foundation

/// The grant one user gave one client: the root that its codes and tokens hang from, so that
/// revoking it ends them all at once ("the user revokes access").
public struct UserAuthorization: Sendable, Hashable {
    public let id: AuthorizationID
    public let subject: Subject
    public let client: ClientID
    /// Everything the user has approved for this client so far.
    public private(set) var scopes: ScopeSet
    public let createdAt: Date
    public private(set) var updatedAt: Date
    public private(set) var state: RevocationState

    /// - Parameters:
    ///   - updatedAt, state: for a store rebuilding a kept record; a new one is active and
    ///     updated when it is created.
    public init(
        id: AuthorizationID, subject: Subject, client: ClientID, scopes: ScopeSet, at now: Date,
        updatedAt: Date? = nil, state: RevocationState = .active
    ) {
        self.id = id
        self.subject = subject
        self.client = client
        self.scopes = scopes
        self.createdAt = now
        self.updatedAt = updatedAt ?? now
        self.state = state
    }

    public var isActive: Bool { state.isActive }

    /// Records a further approval: the scopes add up.
    public mutating func approve(_ more: ScopeSet, at now: Date) {
        scopes = scopes.union(more)
        updatedAt = now
    }

    /// Moves `active` to `revoked`; reports whether it changed anything.
    @discardableResult
    public mutating func revoke(at now: Date) -> Bool {
        guard isActive else { return false }
        state = .revoked(at: now)
        updatedAt = now
        return true
    }

    public var deadSince: Date? {
        if case .revoked(let at) = state { return at }
        return nil
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension UserAuthorization: Codable {}
