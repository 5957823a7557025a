import Foundation

/// Where grants live: codes, tokens, refresh families, user authorizations and API keys.
///
/// Every state change is one call that hands the store a pure transition; the store applies it
/// atomically (under its lock, or in one transaction with the row locked) and never holds a
/// lock across two calls. Keys are SHA-256 digests of secrets, never the secrets.
public protocol GrantStore: Sendable {
    // MARK: Access tokens (RFC 6749 §1.4)
    func insert(_ token: AccessToken, at digest: TokenDigest) async throws
    /// The token with its family and user authorization, read together.
    func accessToken(at digest: TokenDigest) async throws -> AccessTokenRecord?
    func updateAccessToken<Outcome: Sendable>(
        at digest: TokenDigest, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome?

    // MARK: Authorization codes (RFC 6749 §4.1.2)
    func insert(_ code: AuthorizationCode, at digest: TokenDigest) async throws
    /// Applies `transition` to the stored code atomically; nil when none is stored.
    func updateCode<Outcome: Sendable>(
        at digest: TokenDigest, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome?

    // MARK: Refresh token families (RFC 6749 §6, RFC 9700 §4.14.2)
    /// Records that the refresh token with this digest belongs to `family`.
    func insertRefreshToken(at digest: TokenDigest, family: FamilyID) async throws
    func familyID(forRefreshToken digest: TokenDigest) async throws -> FamilyID?
    /// Applies `transition` to the family (nil when absent; setting it creates it) atomically.
    func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome
    /// The family with its user authorization.
    func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)?

    // MARK: User authorizations
    /// Applies `transition` to the active authorization of this user for this client (nil when
    /// there is none; setting one makes it the active one) atomically.
    func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome
    func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome?
    func authorization(_ id: AuthorizationID) async throws -> UserAuthorization?
    /// Every authorization of the user, active and revoked, oldest first.
    func authorizations(of subject: Subject) async throws -> [UserAuthorization]

    // MARK: API keys
    /// Stores a new key; a key already stored under `digest` (or with its id) is kept unchanged,
    /// so importing a key again never revives nor moves it.
    func insert(_ key: APIKey, at digest: TokenDigest) async throws
    func apiKey(at digest: TokenDigest) async throws -> APIKey?
    func apiKeys(of subject: Subject) async throws -> [APIKey]
    func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome?

    // MARK: Housekeeping
    /// Deletes every record that has been dead (expired, revoked, redeemed) since before
    /// `cutoff`; answers how many it deleted.
    func purge(before cutoff: Date) async throws -> Int
}
