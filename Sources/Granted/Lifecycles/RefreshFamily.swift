import Foundation

/// Everything one code redemption issued, and its refresh token's rotation (RFC 6749 §6;
/// RFC 9700 §4.14.2). Only `current` is live; an older generation presented again is a replay
/// that revokes the family, and with it every access token issued from it.
public struct RefreshFamily: Sendable, Hashable {
    /// How a family treats its refresh tokens, from the policy and the client's type.
    public struct Rules: Sendable, Hashable {
        /// Each use issues a new refresh token (always on for public clients, RFC 9700 §2.2.2).
        public var rotate: Bool
        /// How long the previous token may be retried once, for a client whose response was lost
        /// or a second holder of the same token.
        public var gracePeriod: TimeInterval
        /// A family unused this long has expired; nil: never.
        public var idleLifetime: TimeInterval?
        public init(rotate: Bool, gracePeriod: TimeInterval = 0, idleLifetime: TimeInterval? = nil) {
            self.rotate = rotate
            self.gracePeriod = gracePeriod
            self.idleLifetime = idleLifetime
        }
    }
    public enum Use: Sendable, Hashable {
        case granted
        case expired
        case revoked
        /// An old generation came back (RFC 9700 §4.14.2): the family is revoked by this use.
        case replayed
        /// The token belongs to another client (RFC 6749 §6): refused, nothing changes.
        case wrongClient
    }
    /// The generation a rotation replaced, retryable once within the grace period.
    public struct Previous: Sendable, Hashable {
        public let digest: Digest256
        public let rotatedAt: Date
        public var retried: Bool
        public init(digest: Digest256, rotatedAt: Date, retried: Bool) {
            self.digest = digest
            self.rotatedAt = rotatedAt
            self.retried = retried
        }
    }

    public let id: FamilyID
    public let client: ClientID
    public let subject: Subject
    /// What the user approved in the code: refresh may narrow it, never widen it (§6).
    public let scopes: ScopeSet
    /// The resources the code was granted for (RFC 8707 §2.2): refresh may narrow the
    /// audience of an access token to a subset, never widen it. Empty without a registry.
    public let resources: Audience
    public let authorization: AuthorizationID
    public let authTime: Date
    /// The session the user signed in with (Back-Channel Logout 1.0 §2.1): refreshed ID tokens
    /// keep its `sid`, and ending it may revoke the family (`Policy.signOutRevokesRefreshTokens`).
    public let sessionID: SessionID?
    public let createdAt: Date
    /// Absolute end of the family's refresh tokens; nil: never (the default policy).
    public let expiresAt: Date?
    /// The JWK thumbprint its refresh tokens are bound to (RFC 9449 §5): a public client's
    /// family, started with a DPoP proof, refreshes only with a proof of the same key. Nil:
    /// not bound (a confidential client, or no proof).
    public let keyThumbprint: String?
    /// Live with its generations, or revoked: each case carries only what it still needs.
    public private(set) var state: State

    /// What a live family knows of its refresh tokens (RFC 9700 §4.14.2).
    public struct Generations: Sendable, Hashable, Codable {
        /// The one refresh token that works; nil when the family was issued none.
        public var current: Digest256?
        /// The generation the last rotation replaced, retryable once within the grace period.
        public var previous: Previous?
        public var lastUsedAt: Date
        /// The latest expiry of an access token issued from the family; nil: one never expires.
        public var accessTokensExpireBy: Date?
    }

    public enum State: Sendable, Hashable, Codable {
        case active(Generations)
        /// Revoked (a replay, the client or the user): nothing of it works again.
        case revoked(at: Date)

        public var isActive: Bool {
            if case .active = self { true } else { false }
        }
    }

    /// The live refresh token's digest; nil once revoked or when none was issued.
    public var current: Digest256? { generations?.current }
    public var previous: Previous? { generations?.previous }
    /// When a refresh token of the family was last used (its creation, before any use).
    public var lastUsedAt: Date { generations?.lastUsedAt ?? createdAt }
    public var accessTokensExpireBy: Date? { generations?.accessTokensExpireBy }
    /// When it was revoked; nil while active.
    public var revokedAt: Date? {
        if case .revoked(let at) = state { at } else { nil }
    }

    private var generations: Generations? {
        if case .active(let generations) = state { generations } else { nil }
    }

    /// - Parameters:
    ///   - previous, lastUsedAt: for a store rebuilding a kept family; a new one has no previous
    ///     generation and was last used when it was created.
    public init(
        id: FamilyID, client: ClientID, subject: Subject, scopes: ScopeSet,
        authorization: AuthorizationID, authTime: Date, createdAt: Date, expiresAt: Date?,
        current: Digest256?, accessTokensExpireBy: Date?, state: RevocationState = .active,
        previous: Previous? = nil, lastUsedAt: Date? = nil, resources: Audience = [], sessionID: SessionID? = nil,
        keyThumbprint: String? = nil
    ) {
        self.id = id
        self.client = client
        self.subject = subject
        self.scopes = scopes
        self.resources = resources
        self.authorization = authorization
        self.authTime = authTime
        self.sessionID = sessionID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.keyThumbprint = keyThumbprint
        switch state {
        case .active:
            self.state = .active(
                Generations(
                    current: current, previous: previous, lastUsedAt: lastUsedAt ?? createdAt,
                    accessTokensExpireBy: accessTokensExpireBy))
        case .revoked(let at):
            // Nothing of a revoked family can work again: its generations are not kept.
            self.state = .revoked(at: at)
        }
    }

    /// Whether a refresh token of this family could still be used at `now`: not revoked, not
    /// past its absolute end, used within `idleLifetime`. (Access tokens carry their own expiry.)
    public func isActive(at now: Date, idleLifetime: TimeInterval?) -> Bool {
        guard state.isActive, current != nil else { return false }
        if let expiresAt, now >= expiresAt { return false }
        if let idleLifetime, now >= lastUsedAt + idleLifetime { return false }
        return true
    }

    /// Uses the refresh token `presented` (a digest the store maps to this family). With
    /// rotation, `next` becomes the only live token. Reports what happened; only `granted` and
    /// `replayed` change the family.
    public mutating func use(
        _ presented: Digest256, by client: ClientID, rotatingTo next: Digest256,
        accessTokenExpiry: Date?, at now: Date, rules: Rules
    ) -> Use {
        guard client == self.client else { return .wrongClient }
        guard case .active(var generations) = state else { return .revoked }
        guard isActive(at: now, idleLifetime: rules.idleLifetime) else { return .expired }
        if let current = generations.current, presented.constantTimeEquals(current) {
            if rules.rotate {
                generations.previous = Previous(digest: current, rotatedAt: now, retried: false)
                generations.current = next
            }
            generations.lastUsedAt = now
            generations.extendAccessTokenExpiry(to: accessTokenExpiry)
            state = .active(generations)
            return .granted
        }
        if rules.rotate, var previous = generations.previous, presented.constantTimeEquals(previous.digest),
            !previous.retried, now < previous.rotatedAt + rules.gracePeriod
        {
            // The client never saw the answer to its last refresh, or a second holder of the
            // token asks too: answer once more. The server derives `next` from the presented
            // token, so it is the generation the first answer carried, and both holders converge.
            previous.retried = true
            generations.previous = previous
            generations.current = next
            generations.lastUsedAt = now
            generations.extendAccessTokenExpiry(to: accessTokenExpiry)
            state = .active(generations)
            return .granted
        }
        state = .revoked(at: now)
        return .replayed
    }

    /// Ends the family: its refresh token and every access token issued from it.
    @discardableResult
    public mutating func revoke(at now: Date) -> Bool {
        guard state.isActive else { return false }
        state = .revoked(at: now)
        return true
    }


    /// After this nothing of the family can be live, so housekeeping may delete it; nil: not yet
    /// known (a refresh token that never expires keeps it).
    public var deadSince: Date? {
        switch state {
        case .revoked(let at): return at
        case .active(let generations):
            let refreshEnd = generations.current == nil ? createdAt : expiresAt
            guard let refreshEnd, let accessEnd = generations.accessTokensExpireBy else { return nil }
            return max(refreshEnd, accessEnd)
        }
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension RefreshFamily.Rules: Codable {}
extension RefreshFamily.Use: Codable {}
extension RefreshFamily.Previous: Codable {}
extension RefreshFamily: Codable {}

extension RefreshFamily.Generations {
    /// Access tokens issued by a use live until `expiry`; nil: forever.
    fileprivate mutating func extendAccessTokenExpiry(to expiry: Date?) {
        guard let known = accessTokensExpireBy else { return }
        accessTokensExpireBy = expiry.map { max($0, known) }
    }
}
