import Foundation

/// A device authorization (RFC 8628 §3.1–§3.5): pending until the user approves or denies it on
/// another device, or it expires; an approved one is redeemed once. Stored under the SHA-256 of
/// its device code and found by the host's verification page through its user code's digests.
public struct DeviceAuthorization: Sendable, Hashable {
    /// What the user decided, and what the tokens will carry.
    public struct Approval: Sendable, Hashable {
        public let subject: Subject
        /// The scopes approved: those asked for, or fewer.
        public let scopes: ScopeSet
        /// When the user last authenticated (OpenID Connect `auth_time`).
        public let authTime: Date
        /// The user authorization the tokens hang from.
        public let authorization: AuthorizationID
        public let approvedAt: Date
        /// The session the user approved in (Back-Channel Logout 1.0 §2.1): the device's ID
        /// tokens carry it as `sid`, and its family is revoked with the session.
        public let sessionID: SessionID?

        public init(
            subject: Subject, scopes: ScopeSet, authTime: Date, authorization: AuthorizationID, approvedAt: Date,
            sessionID: SessionID? = nil
        ) {
            self.subject = subject
            self.scopes = scopes
            self.authTime = authTime
            self.authorization = authorization
            self.approvedAt = approvedAt
            self.sessionID = sessionID
        }
    }

    public enum State: Sendable, Hashable {
        case pending
        case approved(Approval)
        case denied(at: Date)
        /// The tokens were issued (§3.5); the approval stays, so a replay can revoke them.
        case redeemed(Approval, at: Date)
        /// Too many wrong user code entries (§5.1): no one may approve it any more.
        case burned(at: Date)
    }

    /// What a poll of the token endpoint finds (§3.5).
    public enum Poll: Sendable, Hashable {
        case pending
        /// Polled sooner than the interval allows; the interval grew by 5 seconds (§3.5).
        case slowDown
        case denied
        case expired
        case granted(Approval)
        /// Redeemed before: deny, and revoke what the first redemption issued (as for codes).
        case replayed(Approval)
    }

    /// What an entry of the user code on the verification page finds (§3.3, §5.1).
    public enum Entry: Sendable, Hashable {
        case matched
        /// A wrong code; `remaining` more before the authorization is burned.
        case mismatched(remaining: Int)
        /// This entry used up the last attempt.
        case burned
        /// Not pending any more (decided, expired, burned): nothing to enter a code for.
        case unavailable
    }

    public let client: ClientID
    /// The scopes the device asked for (§3.1), already checked against the client and policy.
    public let scopes: ScopeSet
    /// The resources asked for, or the policy's defaults (RFC 8707 §2.1).
    public let resources: Audience
    /// The key the verification page finds it by: the server-keyed digest of the user code's
    /// first six characters (see `UserCode`).
    public let userCodeLookup: Digest256
    /// The server-keyed digest of the whole user code, compared in constant time.
    public let userCodeCheck: Digest256
    /// Chosen when the device code is issued, so a replay revokes what the redemption issued.
    public let family: FamilyID
    public let issuedAt: Date
    public let expiresAt: Date
    /// The minimum seconds between polls (`interval`, §3.2), grown by `slow_down`.
    public private(set) var interval: TimeInterval
    public private(set) var lastPolledAt: Date?
    public private(set) var failedEntries: Int
    public private(set) var state: State

    public init(
        client: ClientID, scopes: ScopeSet, resources: Audience, userCodeLookup: Digest256,
        userCodeCheck: Digest256, family: FamilyID, issuedAt: Date, expiresAt: Date, interval: TimeInterval,
        lastPolledAt: Date? = nil, failedEntries: Int = 0, state: State = .pending
    ) {
        self.client = client
        self.scopes = scopes
        self.resources = resources
        self.userCodeLookup = userCodeLookup
        self.userCodeCheck = userCodeCheck
        self.family = family
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.interval = interval
        self.lastPolledAt = lastPolledAt
        self.failedEntries = failedEntries
        self.state = state
    }

    /// Whether the user can still decide: pending and unexpired.
    public func isPending(at now: Date) -> Bool {
        state == .pending && now < expiresAt
    }

    /// A poll of the token endpoint (§3.4, §3.5). "Already redeemed" comes first, as for codes: a
    /// replay after expiry is still a replay. Only a pending authorization is paced: a poll
    /// sooner than `interval` after the last one is `slowDown`, and the interval grows by 5
    /// seconds for it and every later poll.
    public mutating func poll(at now: Date) -> Poll {
        if case .redeemed(let approval, _) = state { return .replayed(approval) }
        if case .burned = state { return .expired }
        guard now < expiresAt else { return .expired }
        switch state {
        case .denied: return .denied
        case .approved(let approval):
            lastPolledAt = now
            state = .redeemed(approval, at: now)
            return .granted(approval)
        case .pending:
            defer { lastPolledAt = now }
            if let last = lastPolledAt, now < last + interval {
                interval += 5
                return .slowDown
            }
            return .pending
        case .redeemed, .burned: return .expired  // handled above
        }
    }

    /// Checks a user code entry against `check` (§5.1): a wrong one counts, and the last allowed
    /// one burns the authorization. A right one changes nothing.
    public mutating func enter(check: Digest256, at now: Date, maxFailures: Int) -> Entry {
        guard isPending(at: now) else { return .unavailable }
        if userCodeCheck.constantTimeEquals(check) { return .matched }
        failedEntries += 1
        guard failedEntries < maxFailures else {
            state = .burned(at: now)
            return .burned
        }
        return .mismatched(remaining: maxFailures - failedEntries)
    }

    /// The user approved (§3.3); false, changing nothing, unless it is pending and unexpired.
    public mutating func approve(_ approval: Approval, at now: Date) -> Bool {
        guard isPending(at: now) else { return false }
        state = .approved(approval)
        return true
    }

    /// The user denied (§3.3); false, changing nothing, unless it is pending and unexpired.
    public mutating func deny(at now: Date) -> Bool {
        guard isPending(at: now) else { return false }
        state = .denied(at: now)
        return true
    }

    /// When the record stops mattering: at expiry (a denied or burned one still answers its
    /// polls until then), or once redeemed, when housekeeping's cutoff passes the redemption.
    public var deadSince: Date {
        if case .redeemed(_, let at) = state { return at }
        return expiresAt
    }
}

// Codable, so a host's own store can keep records as they are (synthesized: same file).
extension DeviceAuthorization.Approval: Codable {}
extension DeviceAuthorization.State: Codable {}
extension DeviceAuthorization: Codable {}
