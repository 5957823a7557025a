import Foundation
import Granted

/// Signing keys over time (OpenID Connect Core §10.1.1; RFC 7517 §5): a new key is published in
/// the JWK Set before it signs, so relying parties that cache the set already know it; the key it
/// replaces stays published until the longest-lived token it signed has expired, plus a margin
/// for relying parties that verify with clock leeway; then it goes.
///
/// A value: events take `now`, and `signingKeys(at:)` answers what to hand `AuthorizationServer`.
/// Rebuild the server (or its `SigningKeys`) when `phase` changes: after `publish`, `rotate` and
/// when a retired key's `removeAt` passes.
public struct KeyRing: Sendable {
    /// Where one key is in its life.
    public enum Phase: Sendable, Hashable {
        /// Published, not signing yet; may sign from `activatableAt` on.
        case next(publishedAt: Date, activatableAt: Date)
        /// Signs every new token.
        case active(since: Date)
        /// No longer signs; published for verification until `removeAt`: `longestTokenLifetime`
        /// plus `removalMargin` after it stopped signing.
        case retired(at: Date, removeAt: Date)
        /// Gone from the JWK Set: every token it signed has expired, and the margin has passed.
        case removed(at: Date)
    }

    /// Why an event was refused; nothing changed.
    public enum RotationError: Error, Sendable, Hashable {
        /// A next key is already published; rotate to it first.
        case nextAlreadyPublished
        /// No next key is published to rotate to.
        case noNextKey
        /// The next key has been published for less than `publicationLead`: relying parties may
        /// not have fetched it yet.
        case nextNotYetPropagated(activatableAt: Date)
        /// The key's `kid` is already in the ring (RFC 7517 §4.5).
        case duplicateKeyID(String?)
    }

    public struct Entry: Sendable {
        public let signer: any Signer
        public fileprivate(set) var phase: Phase
    }

    /// How long a JWK Set may be cached by relying parties: a next key waits this long.
    public let publicationLead: TimeInterval
    /// The longest lifetime of a token a key signs: ID tokens and JWT access tokens (RFC 9068),
    /// see `longestSignedTokenLifetime(_:)`. Other JWTs a host signs with the ring's keys are not
    /// counted: pass their lifetime here if it is longer. A retired key stays published this
    /// long, plus `removalMargin`.
    public let longestTokenLifetime: TimeInterval
    /// How long a retired key stays published after its last token expired, for relying parties
    /// that still accept a token within their clock leeway past `exp` (RFC 7519 §4.1.4: "usually
    /// no more than a few minutes"). 60 s unless set; raise it to your relying parties' leeway.
    public let removalMargin: TimeInterval
    /// The margin a ring keeps unless told otherwise: 60 s.
    public static let defaultRemovalMargin: TimeInterval = 60
    /// Every key, oldest first, in its phase as of the last event.
    public private(set) var entries: [Entry]

    /// A ring whose first key signs from `now`: no token exists yet, so it need not wait.
    /// - Parameter removalMargin: added to `longestTokenLifetime` before a retired key goes;
    ///   negative values count as 0.
    public init(
        active signer: any Signer, at now: Date, publicationLead: TimeInterval, longestTokenLifetime: TimeInterval,
        removalMargin: TimeInterval = KeyRing.defaultRemovalMargin
    ) {
        self.publicationLead = publicationLead
        self.longestTokenLifetime = longestTokenLifetime
        self.removalMargin = max(removalMargin, 0)
        self.entries = [Entry(signer: signer, phase: .active(since: now))]
    }

    /// Publishes `signer` as the next key. - Throws: `RotationError`.
    public mutating func publish(_ signer: any Signer, at now: Date) throws(RotationError) {
        expire(at: now)
        guard !entries.contains(where: { if case .next = $0.phase { true } else { false } }) else {
            throw .nextAlreadyPublished
        }
        guard !entries.contains(where: { $0.signer.keyID == signer.keyID && $0.isPublished }) else {
            throw .duplicateKeyID(signer.keyID)
        }
        entries.append(Entry(signer: signer, phase: .next(publishedAt: now, activatableAt: now + publicationLead)))
    }

    /// Makes the next key active and retires the active one (kept until its tokens expire, plus
    /// `removalMargin`).
    /// - Throws: `RotationError` when there is no next key or it was published too recently.
    public mutating func rotate(at now: Date) throws(RotationError) {
        expire(at: now)
        guard let next = entries.firstIndex(where: { if case .next = $0.phase { true } else { false } }) else {
            throw .noNextKey
        }
        guard case .next(_, let activatableAt) = entries[next].phase else { throw .noNextKey }
        guard now >= activatableAt else { throw .nextNotYetPropagated(activatableAt: activatableAt) }
        for index in entries.indices {
            if case .active = entries[index].phase {
                entries[index].phase = .retired(at: now, removeAt: now + longestTokenLifetime + removalMargin)
            }
        }
        entries[next].phase = .active(since: now)
    }

    /// Moves retired keys whose tokens have all expired to `removed`.
    public mutating func expire(at now: Date) {
        for index in entries.indices {
            if case .retired(_, let removeAt) = entries[index].phase, now >= removeAt {
                entries[index].phase = .removed(at: removeAt)
            }
        }
    }

    /// The key that signs at `now`.
    public var active: any Signer {
        // `init` makes one key active and `rotate` only ever swaps which one.
        entries.first(where: { if case .active = $0.phase { true } else { false } })?.signer ?? entries[0].signer
    }

    /// The keys to serve at `now`: the active one signs; next and retired keys still within their
    /// removal time are published beside it.
    /// - Throws: `SigningKeys.ConfigurationError` for a key that cannot be published.
    public func signingKeys(at now: Date) throws(SigningKeys.ConfigurationError) -> SigningKeys {
        let published = entries.filter { entry in
            switch entry.phase {
            case .next: true
            case .retired(_, let removeAt): now < removeAt
            case .active, .removed: false
            }
        }
        return try SigningKeys(active: active, published: published.map(\.signer))
    }
}

extension KeyRing.Entry {
    var isPublished: Bool {
        if case .removed = phase { false } else { true }
    }
}

extension KeyRing {
    /// The longest lifetime of a token `policy` has signed: ID tokens, and JWT access tokens
    /// (RFC 9068), whose lifetime is the access token's; infinite when access tokens never
    /// expire, so that a retired key is then never removed.
    public static func longestSignedTokenLifetime(_ policy: Policy) -> TimeInterval {
        guard let accessTokenLifetime = policy.accessTokenLifetime else { return .infinity }
        return max(policy.idTokenLifetime, accessTokenLifetime)
    }
}
