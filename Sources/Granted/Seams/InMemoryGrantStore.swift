import Foundation


/// The default store: everything in memory, for one process. Each map has its own lock, access
/// tokens are spread over shards so concurrent callers rarely meet, and every transition runs
/// entirely under one lock, never two.
public final class InMemoryGrantStore: GrantStore {
    private final class Shard: Sendable {
        let map = Locked(TokenTable())
    }
    private struct Authorizations: Sendable {
        var byID: [AuthorizationID: UserAuthorization] = [:]
        var active: [PairKey: AuthorizationID] = [:]
    }
    private struct PairKey: Hashable, Sendable {
        let subject: Subject
        let client: ClientID
    }
    private struct APIKeys: Sendable {
        var byDigest: [Digest256: APIKey] = [:]
        var digestByID: [APIKeyID: Digest256] = [:]
    }

    private struct Devices: Sendable {
        var byDigest: [Digest256: DeviceAuthorization] = [:]
        var digestByUserCode: [Digest256: Digest256] = [:]
    }

    private static let shardCount = 16
    private let tokens: [Shard]
    private let codes = Locked<[Digest256: AuthorizationCode]>([:])
    private let refreshTokens = Locked<[Digest256: FamilyID]>([:])
    private let families = Locked<[FamilyID: RefreshFamily]>([:])
    private let authorizations = Locked(Authorizations())
    private let keys = Locked(APIKeys())
    private let devices = Locked(Devices())
    private let sessions = Locked<[SessionID: SignInSession]>([:])
    private let oneTimeUses = Locked<[Digest256: Date]>([:])
    private let pushedRequests = Locked<[Digest256: PushedRequest]>([:])

    /// - Parameter expectedTokens: reserves room so a large store does not rehash while serving.
    public init(expectedTokens: Int = 0) {
        tokens = (0..<Self.shardCount).map { _ in
            let shard = Shard()
            shard.map.withLock { $0.reserveCapacity(expectedTokens / Self.shardCount) }
            return shard
        }
    }

    @inline(__always) private func shard(_ digest: Digest256) -> Shard {
        tokens[Int(truncatingIfNeeded: digest.w1 & UInt64(Self.shardCount - 1))]
    }

    // MARK: Access tokens

    public func insert(_ token: AccessToken, at digest: Digest256) async throws {
        insertSync(token, at: digest)
    }

    /// The synchronous core of `insert`, also used by benchmarks to fill the store quickly.
    @_spi(Benchmarks) public func insertSync(_ token: AccessToken, at digest: Digest256) {
        shard(digest).map.withLock { $0.set(token, at: digest) }
    }

    public func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? {
        guard let token = shard(digest).map.withLock({ $0[digest] }) else { return nil }
        let family = token.family.flatMap { id in families.withLock { $0[id] } }
        let authorization = token.authorization.flatMap { id in authorizations.withLock { $0.byID[id] } }
        return AccessTokenRecord(token: token, family: family, authorization: authorization)
    }

    public func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? {
        shard(digest).map.withLock { $0.update(digest, transition) }
    }

    /// How many access tokens are stored.
    @_spi(Benchmarks) public var accessTokenCount: Int { tokens.reduce(0) { $0 + $1.map.withLock { $0.count } } }

    // MARK: Codes

    public func insert(_ code: AuthorizationCode, at digest: Digest256) async throws {
        codes.withLock { $0[digest] = code }
    }

    public func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? {
        codes.withLock { Self.update(&$0, digest, transition) }
    }

    // MARK: Refresh families

    public func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws {
        refreshTokens.withLock { $0[digest] = family }
    }

    public func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? {
        refreshTokens.withLock { $0[digest] }
    }

    public func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        families.withLock { transition(&$0[id]) }
    }

    public func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        guard let family = families.withLock({ $0[id] }) else { return nil }
        return (family, authorizations.withLock { $0.byID[family.authorization] })
    }

    // MARK: User authorizations

    public func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID,
        _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome {
        let key = PairKey(subject: subject, client: client)
        return authorizations.withLock { table in
            var current = table.active[key].flatMap { table.byID[$0] }
            let outcome = transition(&current)
            if let current {
                table.byID[current.id] = current
                table.active[key] = current.isActive ? current.id : nil
            }
            return outcome
        }
    }

    public func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? {
        authorizations.withLock { table in
            guard var value = table.byID[id] else { return nil }
            let outcome = transition(&value)
            table.byID[id] = value
            let key = PairKey(subject: value.subject, client: value.client)
            if !value.isActive, table.active[key] == id { table.active[key] = nil }
            return outcome
        }
    }

    public func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? {
        authorizations.withLock { $0.byID[id] }
    }

    public func authorizations(of subject: Subject) async throws -> [UserAuthorization] {
        authorizations.withLock { table in
            table.byID.values.filter { $0.subject == subject }.sorted { $0.createdAt < $1.createdAt }
        }
    }

    // MARK: API keys

    /// Keeps the stored key when the digest (or id) is already there, as the PostgreSQL store
    /// does: importing a fixture's key at every start never revives one that was revoked, nor
    /// gives it to another user.
    public func insert(_ key: APIKey, at digest: Digest256) async throws {
        keys.withLock { table in
            guard table.byDigest[digest] == nil, table.digestByID[key.id] == nil else { return }
            table.byDigest[digest] = key
            table.digestByID[key.id] = digest
        }
    }

    public func apiKey(at digest: Digest256) async throws -> APIKey? {
        keys.withLock { $0.byDigest[digest] }
    }

    public func apiKeys(of subject: Subject) async throws -> [APIKey] {
        keys.withLock { table in
            table.byDigest.values.filter { $0.subject == subject }.sorted { $0.createdAt < $1.createdAt }
        }
    }

    public func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? {
        keys.withLock { table in
            guard let digest = table.digestByID[id] else { return nil }
            return Self.update(&table.byDigest, digest, transition)
        }
    }

    // MARK: Device authorizations

    @discardableResult
    public func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool {
        devices.withLock { table in
            guard table.digestByUserCode[device.userCodeLookup] == nil else { return false }
            if let replaced = table.byDigest[digest] { table.digestByUserCode[replaced.userCodeLookup] = nil }
            table.byDigest[digest] = device
            table.digestByUserCode[device.userCodeLookup] = digest
            return true
        }
    }

    public func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        devices.withLock { Self.update(&$0.byDigest, digest, transition) }
    }

    public func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        devices.withLock { table in
            guard let digest = table.digestByUserCode[lookup] else { return nil }
            return Self.update(&table.byDigest, digest, transition)
        }
    }

    // MARK: One-time uses

    public func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool {
        oneTimeUses.withLock { map in
            guard map[digest] == nil else { return false }
            map[digest] = expiresAt
            return true
        }
    }

    // MARK: Pushed authorization requests

    public func insert(_ request: PushedRequest, at digest: Digest256) async throws {
        pushedRequests.withLock { $0[digest] = request }
    }

    public func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? {
        pushedRequests.withLock { Self.update(&$0, digest, transition) }
    }

    // MARK: Housekeeping

    public func purge(before cutoff: Date) async throws -> Int {
        func isDead(_ since: Date?) -> Bool { since.map { $0 < cutoff } ?? false }
        // Roots first: whatever hangs from a dead authorization or family is dead with it.
        let (removedAuthorizations, deadAuthorizations): (Int, Set<AuthorizationID>) =
            authorizations.withLock { table in
                let dead = Set(table.byID.values.filter { isDead($0.deadSince) }.map(\.id))
                return (Self.removeAll(from: &table.byID) { dead.contains($0.id) }, dead)
            }
        // Only what this purge found dead is named below: a family stored after this snapshot is in
        // neither set, so the tokens a request racing the purge issues from it stay (outside review 3).
        let (removedFamilies, deadFamilies, knownFamilies): (Int, Set<FamilyID>, Set<FamilyID>) =
            families.withLock { map in
                let dead = Set(
                    map.values.filter { isDead($0.deadSince) || deadAuthorizations.contains($0.authorization) }.map(\.id))
                let count = Self.removeAll(from: &map) { dead.contains($0.id) }
                return (count, dead, Set(map.keys))
            }
        var removed = removedAuthorizations + removedFamilies
        // Families the snapshot did not know: orphans (never stored, or deleted), or issued since.
        var unknownFamilies = Set<FamilyID>()
        func isUnknown(_ family: FamilyID) -> Bool {
            !knownFamilies.contains(family) && !deadFamilies.contains(family)
        }
        for shard in tokens {
            removed += shard.map.withLock { table in
                table.removeAll { token in
                    if let family = token.family, isUnknown(family) { unknownFamilies.insert(family) }
                    return isDead(token.deadSince)
                        || token.family.map(deadFamilies.contains) ?? false
                        || token.authorization.map(deadAuthorizations.contains) ?? false
                }
            }
        }
        removed += codes.withLock { map in
            Self.removeAll(from: &map) { isDead($0.deadSince) || deadAuthorizations.contains($0.authorization) }
        }
        removed += refreshTokens.withLock { map in
            Self.removeAll(from: &map) { family in
                if isUnknown(family) { unknownFamilies.insert(family) }
                return deadFamilies.contains(family)
            }
        }
        // A family is stored before its tokens, so one still absent now was never issued since the
        // snapshot: whatever points at it is an orphan.
        let orphans = families.withLock { map in unknownFamilies.filter { map[$0] == nil } }
        if !orphans.isEmpty {
            for shard in tokens {
                removed += shard.map.withLock { $0.removeAll { $0.family.map(orphans.contains) ?? false } }
            }
            removed += refreshTokens.withLock { Self.removeAll(from: &$0) { orphans.contains($0) } }
        }
        removed += devices.withLock { table in
            let count = Self.removeAll(from: &table.byDigest) { isDead($0.deadSince) }
            table.digestByUserCode = table.digestByUserCode.filter { table.byDigest[$0.value] != nil }
            return count
        }
        removed += sessions.withLock { map in Self.removeAll(from: &map) { isDead($0.deadSince) } }
        removed += oneTimeUses.withLock { map in Self.removeAll(from: &map) { $0 < cutoff } }
        removed += pushedRequests.withLock { map in Self.removeAll(from: &map) { isDead($0.deadSince) } }
        removed += keys.withLock { table in
            let count = Self.removeAll(from: &table.byDigest) { isDead($0.deadSince) }
            let kept = Set(table.byDigest.values.map(\.id))
            table.digestByID = table.digestByID.filter { kept.contains($0.key) }
            return count
        }
        return removed
    }

    // MARK: Sessions

    public func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome {
        sessions.withLock { transition(&$0[id]) }
    }

    // MARK: Helpers

    /// Applies a transition in place, hashing the key once.
    private static func update<Key: Hashable, Value, Outcome>(
        _ map: inout [Key: Value], _ key: Key, _ transition: (inout Value) -> Outcome
    ) -> Outcome? {
        guard let index = map.index(forKey: key) else { return nil }
        return transition(&map.values[index])
    }

    private static func removeAll<Key: Hashable, Value>(
        from map: inout [Key: Value], where isRemoved: (Value) -> Bool
    ) -> Int {
        let before = map.count
        map = map.filter { !isRemoved($0.value) }
        return before - map.count
    }
}
