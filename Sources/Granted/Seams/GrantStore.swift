import Foundation

/// Where grants live: codes, tokens, refresh families, user authorizations, API keys, device
/// authorizations and pushed authorization requests.
///
/// Every state change is one call that hands the store a pure transition; the store applies it
/// atomically (under its lock, in one transaction with the row locked, or by writing only the
/// version of the row it read) and never holds a lock across two calls. Keys are SHA-256 digests of secrets, never the secrets.
///
/// `GrantedTesting.GrantStoreContract` checks each rule below against a store (one case per
/// rule, named in brackets), and `GrantedTesting.GrantSimulation` drives the whole engine over
/// it with random interleavings and injected faults. The rules every method shares:
///
/// - **Round trips are exact.** A record comes back with every field as stored, optional ones
///   present or nil, sets whole or empty (scopes, a token's audience, the resources of a code or
///   family), dates to the precision they were written with (the contract uses whole seconds).
///   [`accessTokenRoundTrip`, `codeRoundTrip`, `familyUpsert`, `familyRotation`, `accessTokenJoin`]
/// - **A transition is atomic.** Between reading the record and writing what the transition
///   left, no other call may change it: of 100 concurrent redemptions of one code exactly one
///   is granted; of 50 concurrent creators of one family or one user authorization exactly one
///   sees it absent. The transition may run more than once (a retried transaction), so it must
///   be pure; only the run whose write is kept counts. Concurrent transitions on one record
///   all take effect, one after another (no lost update). [`codeRedeemedOnce`, `familyCreatedOnce`,
///   `authorizationCreatedOnce`, `accessTokenUpdatesSerialize`, `familyUpdatesSerialize`,
///   `flowConcurrentRedemption`, `flowConcurrentRefresh`]
/// - **What a transition leaves is kept, revoked states included**, and so is every field it did
///   not change (an audience, resources); its outcome is answered as it returned it; a
///   transition that changes nothing (a read) changes nothing. [`accessTokenUpdate`,
///   `codeTransitions`, `familyUpsert`, `familyRotation`, `authorizationByID`, `apiKeys`]
/// - **Absent records.** An update of an unknown digest or id answers nil and creates nothing.
///   [`accessTokenUpdate`, `codeRoundTrip`, `authorizationByID`, `apiKeys`]
/// - **Inserts** happen once per fresh 256-bit secret, so digests never collide; an insert at a
///   digest already stored must not fail, and may keep either record (the in-memory store keeps
///   the new one, PostgreSQL the first). No contract case depends on which.
/// - **Errors.** A store throws only for its own failures (a lost connection); the endpoint
///   answers `server_error`. A throw may come before or after the write took effect, and the
///   engine stays correct either way (the simulation injects both).
public protocol GrantStore: Sendable {
    // MARK: Access tokens (RFC 6749 §1.4)

    /// Stores `token` under `digest`. [`accessTokenRoundTrip`]
    func insert(_ token: AccessToken, at digest: Digest256) async throws

    /// The token with its family and user authorization, read together and as they are now
    /// (a join). A parent that was never stored, or was purged, is nil, and
    /// `AccessTokenRecord.isActive(at:)` then counts it as revoked. [`accessTokenJoin`]
    func accessToken(at digest: Digest256) async throws -> AccessTokenRecord?

    /// Applies `transition` to the stored token atomically; nil (and nothing created) when none
    /// is stored. [`accessTokenUpdate`]
    func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome?

    // MARK: Authorization codes (RFC 6749 §4.1.2)

    /// Stores a freshly issued code under `digest`. [`codeRoundTrip`]
    func insert(_ code: AuthorizationCode, at digest: Digest256) async throws

    /// Applies `transition` to the stored code atomically; nil when none is stored. This is
    /// what makes a code single-use: two concurrent redemptions must not both see `issued`.
    /// Redeemed and revoked codes are kept (a replay must be recognised) until `purge`.
    /// [`codeTransitions`, `codeRedeemedOnce`]
    func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome?

    // MARK: Refresh token families (RFC 6749 §6, RFC 9700 §4.14.2)

    /// Records that the refresh token with this digest belongs to `family`; a family has one
    /// digest per generation. Insert and lookup do not need the family to exist, but `purge` may
    /// delete a digest whose family is absent, so the engine stores the family first.
    /// [`refreshTokenMapping`]
    func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws

    /// The family a refresh token digest maps to; nil for an unknown digest. [`refreshTokenMapping`]
    func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID?

    /// Applies `transition` to the family atomically, and answers its outcome.
    ///
    /// An absent family is nil to the transition; leaving it nil stores nothing, setting it
    /// creates it, and of concurrent transitions on an absent family exactly one sees nil (the
    /// others see what it stored). On a stored family, `$0?.revoke(at:)` and rotations are kept
    /// whole (current and previous generation, the retry flag, last use, the access tokens'
    /// expiry). Setting a stored family to nil deletes it; the engine never does, and the
    /// contract does not check it. [`familyUpsert`, `familyRotation`, `familyCreatedOnce`]
    func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome

    /// The family with its user authorization as it is now (nil when that is not stored).
    /// [`familyUpsert`]
    func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)?

    // MARK: User authorizations

    /// Applies `transition` to the *active* authorization of this user for this client,
    /// atomically, and answers its outcome.
    ///
    /// Nil when the pair has none (never approved, or its authorization was revoked): setting a
    /// value then creates it and makes it the pair's active one; concurrent approvals of one pair
    /// meet one authorization. A transition that leaves it revoked frees the pair, while the
    /// revoked record stays stored and listed; the next approval creates a new one beside it.
    /// Setting an existing one to nil is not a deletion: the engine never does it.
    /// [`authorizationUpsert`, `authorizationByID`, `authorizationCreatedOnce`]
    func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome

    /// Applies `transition` to the authorization with this id, active or revoked, atomically;
    /// nil (and nothing created) for an unknown id. Revoking it here frees its pair too.
    /// [`authorizationByID`]
    func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome?

    /// The authorization with this id, active or revoked; nil for an unknown id. [`authorizationByID`]
    func authorization(_ id: AuthorizationID) async throws -> UserAuthorization?

    /// Every authorization of the user, active and revoked, oldest (`createdAt`) first; empty
    /// for an unknown user. [`authorizationUpsert`]
    func authorizations(of subject: Subject) async throws -> [UserAuthorization]

    // MARK: API keys

    /// Stores a user's API key under the digest of its value; a key already stored under
    /// `digest` (or with its id) is kept unchanged, so importing a key again never revives nor
    /// moves it. [`apiKeys`, `apiKeyReimportKeepsStored`]
    func insert(_ key: APIKey, at digest: Digest256) async throws
    /// The key with this digest, active or revoked; nil when unknown. [`apiKeys`]
    func apiKey(at digest: Digest256) async throws -> APIKey?
    /// Every key of the user, revoked ones included, oldest (`createdAt`) first. [`apiKeys`]
    func apiKeys(of subject: Subject) async throws -> [APIKey]
    /// Applies `transition` to the key with this id atomically; nil for an unknown id. [`apiKeys`]
    func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome?

    // MARK: Device authorizations (RFC 8628)

    /// Stores a new device authorization under the digest of its device code, findable by its
    /// `userCodeLookup`. Answers false, storing nothing, when a stored one (live or not yet
    /// purged) has that lookup digest already: the engine then mints another user code, so one
    /// entry never finds two devices. [`deviceRoundTrip`, `deviceUserCodeUnique`]
    @discardableResult
    func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool

    /// Applies `transition` to the authorization with this device code digest atomically; nil
    /// when none is stored. Of concurrent polls of an approved one, exactly one redeems it.
    /// [`deviceTransitions`, `deviceRedeemedOnce`]
    func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome?

    /// The same, finding the authorization by `userCodeLookup` (the verification page). Both
    /// keys reach one record: a change made through one is seen through the other.
    /// [`deviceTransitions`, `deviceRoundTrip`]
    func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome?

    // MARK: Sessions (OpenID Connect Back-Channel Logout 1.0 §2.1)

    /// Applies `transition` to the session record atomically, and answers its outcome. An absent
    /// session is nil to the transition; setting it creates it, and of concurrent transitions on
    /// an absent session exactly one sees nil. Clients and families added by concurrent calls
    /// are all kept; an ended session stays ended. [`sessionRoundTrip`, `sessionConcurrentSignIns`,
    /// `sessionEnd`, `sessionEndRacesSignIn`]
    func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome
    // MARK: One-time uses (RFC 7523 §3 `jti`; RFC 9449 §11.1)

    /// Records `digest` until `expiresAt` and answers true, or answers false, storing nothing,
    /// when it is recorded already (expired or not, until `purge` deletes it). One atomic
    /// insert-if-absent: of 50 concurrent calls with one digest exactly one answers true. What
    /// makes a client assertion's `jti` single use; the digest is keyed by the engine (client
    /// and `jti`), so the store knows nothing about assertions. [`oneTimeUse`, `oneTimeUseOnce`]
    func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool
    // MARK: Pushed authorization requests (RFC 9126)

    /// Stores a pushed request under the digest of its `request_uri`. [`pushedRequestRoundTrip`]
    func insert(_ request: PushedRequest, at digest: Digest256) async throws

    /// Applies `transition` to the pushed request atomically; nil when none is stored. This is
    /// what makes a `request_uri` single use (§4): of concurrent uses exactly one sees `pushed`.
    /// [`pushedRequestRoundTrip`, `pushedRequestUsedOnce`]
    func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome?

    // MARK: Housekeeping

    /// Deletes what can never work again and answers how many records it deleted (access
    /// tokens, codes, refresh token digests, families, authorizations and keys each count one).
    ///
    /// - A record goes when its `deadSince` is strictly before `cutoff` (dead exactly at the
    ///   cutoff stays): expired or revoked access tokens, expired, redeemed or revoked codes,
    ///   revoked API keys and user authorizations, ended sessions, families whose `deadSince` has passed
    ///   (revoked, or both their refresh token and access tokens ended), and device
    ///   authorizations (expired, or redeemed; freeing their user code's lookup digest) and
    ///   pushed requests (expired, or used), which hang from nothing, and one-time uses whose
    ///   `expiresAt` is before the cutoff. [`purgeDeadRecords`, `purgeCutoffIsExclusive`,
    ///   `purgeDeviceAuthorizations`, `purgeOneTimeUses`, `purgePushedRequests`]
    /// - **Cascades.** With a user authorization go its families, their refresh token digests,
    ///   every access token hanging from it (through a family or directly) and its codes, though
    ///   each of those is live by itself. With a family go its refresh token digests and its
    ///   access tokens; its authorization stays. [`purgeCascadesFromAuthorization`,
    ///   `purgeCascadesFromFamily`, `housekeepingFamilyOfRevokedAuthorization`]
    /// - **Never deleted:** anything live whose parents are live: an unexpired active token, an
    ///   issued unexpired code, an active authorization or key, a live family (one whose refresh
    ///   token never expires stays as long as it is not revoked), never-expiring tokens. Redeemed
    ///   codes stay until the cutoff passes their redemption, so replays are still caught.
    ///   [`purgeDeadRecords`, `housekeepingEverlastingTokens`, `housekeepingLiveFamilyKept`,
    ///   `housekeepingRedeemedCodeKeptForReplay`]
    /// - A second purge with the same cutoff deletes nothing. [`purgeDeadRecords`, `housekeepingCount`]
    func purge(before cutoff: Date) async throws -> Int
}
