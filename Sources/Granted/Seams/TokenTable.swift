import Foundation

/// The access tokens of one in-memory shard, stored compactly: a token is the 32-byte digest key
/// plus 40 bytes. Client ids and scope sets, shared by millions of tokens, are interned; the
/// user-bound part (subject, family, authorization) lives in a side table that app-only tokens
/// never touch. Reads and writes convert to and from `AccessToken`, so nothing outside sees this.
struct TokenTable: Sendable {
    private struct Compact: Sendable {
        var client: UInt32
        var scopes: UInt32
        /// Index into `audiences`; 0 is the empty audience.
        var audience: UInt32
        /// Index into `bindings`, or `noBinding`.
        var binding: UInt32
        var issuedAt: Double
        /// `.infinity`: never expires.
        var expiresAt: Double
        /// `-.infinity`: active.
        var revokedAt: Double
    }
    private struct Binding: Sendable {
        var subject: Subject?
        var family: FamilyID?
        var authorization: AuthorizationID?
        /// A DPoP binding (RFC 9449 §6), rare enough to live here beside the user's part.
        var keyThumbprint: String?
    }
    private static let noBinding = UInt32.max

    private var tokens: [Digest256: Compact] = [:]
    private var clients: [ClientID] = []
    private var clientIndex: [ClientID: UInt32] = [:]
    private var scopeSets: [ScopeSet] = []
    private var scopeIndex: [ScopeSet: UInt32] = [:]
    /// Audiences (RFC 8707) are few per deployment, so they are interned like scope sets.
    private var audiences: [Audience] = [[]]
    private var audienceIndex: [Audience: UInt32] = [[]: 0]
    private var bindings: [Binding] = []
    private var freeBindings: [UInt32] = []

    var count: Int { tokens.count }

    mutating func reserveCapacity(_ count: Int) { tokens.reserveCapacity(count) }

    subscript(digest: Digest256) -> AccessToken? {
        get { tokens[digest].map(expand) }
    }

    mutating func set(_ token: AccessToken, at digest: Digest256) {
        if let old = tokens[digest] { release(old.binding) }
        tokens[digest] = compact(token)
    }

    /// Applies `transition` to the stored token in place; nil when there is none.
    mutating func update<Outcome>(_ digest: Digest256, _ transition: (inout AccessToken) -> Outcome) -> Outcome? {
        guard let index = tokens.index(forKey: digest) else { return nil }
        let stored = tokens.values[index]
        var token = expand(stored)
        let outcome = transition(&token)
        release(stored.binding)
        tokens.values[index] = compact(token)
        return outcome
    }

    /// Removes every token `isRemoved` picks; answers how many.
    mutating func removeAll(where isRemoved: (AccessToken) -> Bool) -> Int {
        var doomed: [Digest256] = []
        for (digest, stored) in tokens where isRemoved(expand(stored)) { doomed.append(digest) }
        for digest in doomed {
            if let stored = tokens.removeValue(forKey: digest) { release(stored.binding) }
        }
        return doomed.count
    }

    private mutating func compact(_ token: AccessToken) -> Compact {
        var binding = Self.noBinding
        if token.subject != nil || token.family != nil || token.authorization != nil || token.keyThumbprint != nil {
            let value = Binding(
                subject: token.subject, family: token.family, authorization: token.authorization,
                keyThumbprint: token.keyThumbprint)
            if let free = freeBindings.popLast() {
                bindings[Int(free)] = value
                binding = free
            } else {
                binding = UInt32(bindings.count)
                bindings.append(value)
            }
        }
        let revokedAt: Double
        switch token.state {
        case .active: revokedAt = -.infinity
        case .revoked(let at): revokedAt = at.timeIntervalSinceReferenceDate
        }
        return Compact(
            client: intern(token.client), scopes: intern(token.scopes), audience: intern(token.audience),
            binding: binding,
            issuedAt: token.issuedAt.timeIntervalSinceReferenceDate,
            expiresAt: token.expiresAt?.timeIntervalSinceReferenceDate ?? .infinity, revokedAt: revokedAt)
    }

    private func expand(_ stored: Compact) -> AccessToken {
        let binding = stored.binding == Self.noBinding ? nil : bindings[Int(stored.binding)]
        return AccessToken(
            client: clients[Int(stored.client)], subject: binding?.subject, scopes: scopeSets[Int(stored.scopes)],
            issuedAt: Date(timeIntervalSinceReferenceDate: stored.issuedAt),
            expiresAt: stored.expiresAt == .infinity ? nil : Date(timeIntervalSinceReferenceDate: stored.expiresAt),
            family: binding?.family, authorization: binding?.authorization,
            audience: audiences[Int(stored.audience)], keyThumbprint: binding?.keyThumbprint,
            state: stored.revokedAt == -.infinity
                ? .active : .revoked(at: Date(timeIntervalSinceReferenceDate: stored.revokedAt)))
    }

    private mutating func release(_ binding: UInt32) {
        guard binding != Self.noBinding else { return }
        bindings[Int(binding)] = Binding()
        freeBindings.append(binding)
    }

    private mutating func intern(_ client: ClientID) -> UInt32 {
        if let last = clients.indices.last, clients[last] == client { return UInt32(last) }
        if let index = clientIndex[client] { return index }
        let index = UInt32(clients.count)
        clients.append(client)
        clientIndex[client] = index
        return index
    }

    private mutating func intern(_ audience: Audience) -> UInt32 {
        if audience.isEmpty { return 0 }
        if let index = audienceIndex[audience] { return index }
        let index = UInt32(audiences.count)
        audiences.append(audience)
        audienceIndex[audience] = index
        return index
    }

    private mutating func intern(_ scopes: ScopeSet) -> UInt32 {
        if let last = scopeSets.indices.last, scopeSets[last] == scopes { return UInt32(last) }
        if let index = scopeIndex[scopes] { return index }
        let index = UInt32(scopeSets.count)
        scopeSets.append(scopes)
        scopeIndex[scopes] = index
        return index
    }
}
