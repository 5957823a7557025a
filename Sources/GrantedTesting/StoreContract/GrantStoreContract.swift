import Granted

/// The behaviour every `GrantStore` must show, written once and run against each store: the
/// in-memory default in Granted's tests, and each adapter (PostgreSQL, …) in its own package.
///
/// Each case is a plain async function that builds what it needs from `makeStore` (a new, empty
/// store each call) and throws a `ContractFailure` at the first violation, so any test runner can
/// call it:
///
/// ```swift
/// @Test(arguments: GrantStoreContract.all.map(\.name))
/// func contract(_ name: String) async throws {
///     try await GrantStoreContract.run(name) { InMemoryGrantStore() }
/// }
/// ```
public enum GrantStoreContract {
    public typealias MakeStore = () async throws -> any GrantStore
    public typealias Case = (name: String, run: @Sendable (_ makeStore: MakeStore) async throws -> Void)

    /// Every case, by name.
    public static let all: [Case] = [
        // Access tokens
        ("accessTokenRoundTrip", { try await accessTokenRoundTrip($0) }),
        ("accessTokenUpdate", { try await accessTokenUpdate($0) }),
        ("accessTokenJoin", { try await accessTokenJoin($0) }),
        ("accessTokenUpdatesSerialize", { try await accessTokenUpdatesSerialize($0) }),
        // Codes
        ("codeRoundTrip", { try await codeRoundTrip($0) }),
        ("codeTransitions", { try await codeTransitions($0) }),
        ("codeRedeemedOnce", { try await codeRedeemedOnce($0) }),
        // Refresh families
        ("refreshTokenMapping", { try await refreshTokenMapping($0) }),
        ("familyUpsert", { try await familyUpsert($0) }),
        ("familyRotation", { try await familyRotation($0) }),
        ("familyCreatedOnce", { try await familyCreatedOnce($0) }),
        ("familyUpdatesSerialize", { try await familyUpdatesSerialize($0) }),
        // User authorizations
        ("authorizationUpsert", { try await authorizationUpsert($0) }),
        ("authorizationByID", { try await authorizationByID($0) }),
        ("authorizationCreatedOnce", { try await authorizationCreatedOnce($0) }),
        // API keys
        ("apiKeys", { try await apiKeys($0) }),
        ("apiKeyReimportKeepsStored", { try await apiKeyReimportKeepsStored($0) }),
        // Device authorizations (RFC 8628)
        ("deviceRoundTrip", { try await deviceRoundTrip($0) }),
        ("deviceUserCodeUnique", { try await deviceUserCodeUnique($0) }),
        ("deviceTransitions", { try await deviceTransitions($0) }),
        ("deviceRedeemedOnce", { try await deviceRedeemedOnce($0) }),
        // Sessions (Back-Channel Logout 1.0 §2.1)
        ("sessionRoundTrip", { try await sessionRoundTrip($0) }),
        ("sessionConcurrentSignIns", { try await sessionConcurrentSignIns($0) }),
        ("sessionEnd", { try await sessionEnd($0) }),
        ("sessionEndRacesSignIn", { try await sessionEndRacesSignIn($0) }),
        ("purgeEndedSessions", { try await purgeEndedSessions($0) }),
        // One-time uses (RFC 7523 §3 jti)
        ("oneTimeUse", { try await oneTimeUse($0) }),
        ("oneTimeUseOnce", { try await oneTimeUseOnce($0) }),
        // Pushed authorization requests (RFC 9126)
        ("pushedRequestRoundTrip", { try await pushedRequestRoundTrip($0) }),
        ("pushedRequestUsedOnce", { try await pushedRequestUsedOnce($0) }),
        // DPoP key bindings (RFC 9449 §5, §6, §10)
        ("keyBindingRoundTrip", { try await keyBindingRoundTrip($0) }),
        // Housekeeping, on records
        ("purgeDeadRecords", { try await purgeDeadRecords($0) }),
        ("purgeCascadesFromAuthorization", { try await purgeCascadesFromAuthorization($0) }),
        ("purgeCascadesFromFamily", { try await purgeCascadesFromFamily($0) }),
        ("purgeCutoffIsExclusive", { try await purgeCutoffIsExclusive($0) }),
        ("purgeDeviceAuthorizations", { try await purgeDeviceAuthorizations($0) }),
        ("purgeOneTimeUses", { try await purgeOneTimeUses($0) }),
        ("purgePushedRequests", { try await purgePushedRequests($0) }),
        // Housekeeping, through the engine
        ("housekeepingExpiredAccessToken", { try await housekeepingExpiredAccessToken($0) }),
        ("housekeepingCount", { try await housekeepingCount($0) }),
        ("housekeepingEverlastingTokens", { try await housekeepingEverlastingTokens($0) }),
        ("housekeepingRedeemedCodeKeptForReplay", { try await housekeepingRedeemedCodeKeptForReplay($0) }),
        ("housekeepingRedeemedCodeRemoved", { try await housekeepingRedeemedCodeRemoved($0) }),
        ("housekeepingExpiredCode", { try await housekeepingExpiredCode($0) }),
        ("housekeepingRevokedAuthorization", { try await housekeepingRevokedAuthorization($0) }),
        ("housekeepingRevokedAPIKey", { try await housekeepingRevokedAPIKey($0) }),
        ("housekeepingRevokedFamily", { try await housekeepingRevokedFamily($0) }),
        ("housekeepingLiveFamilyKept", { try await housekeepingLiveFamilyKept($0) }),
        ("housekeepingFamilyOfRevokedAuthorization", { try await housekeepingFamilyOfRevokedAuthorization($0) }),
        // Flows through the engine
        ("flowClientCredentials", { try await flowClientCredentials($0) }),
        ("flowConcurrentRedemption", { try await flowConcurrentRedemption($0) }),
        ("flowConcurrentRefresh", { try await flowConcurrentRefresh($0) }),
        ("flowRevokedAuthorization", { try await flowRevokedAuthorization($0) }),
    ]

    /// Runs the case called `name`.
    /// - Throws: `ContractFailure` for a violation or an unknown name; the store's own errors.
    public static func run(_ name: String, _ makeStore: MakeStore) async throws {
        guard let found = all.first(where: { $0.name == name }) else {
            throw ContractFailure("no contract case is called \(name)")
        }
        try await found.run(makeStore)
    }
}
