import Foundation
@_spi(Testing) import Granted

/// Wraps a store and, once armed, makes one of its calls throw `InjectedFault`: before the call
/// reaches the wrapped store (nothing written) or after it returned (written, but the caller
/// never learns so), as a lost connection or a timed-out commit would.
public final class FaultInjectingStore: GrantStore {
    public enum Timing: Sendable, Hashable { case beforeWrite, afterWrite }

    /// The failure a fault throws.
    public struct InjectedFault: Error, Sendable, Hashable {
        public let call: Int
        public let timing: Timing
    }

    private struct Plan {
        var fault: (call: Int, timing: Timing)?
        var calls = 0
        var fired: InjectedFault?
    }

    public let wrapped: any GrantStore
    private let plan = Locked(Plan())
    private let fired = Locked(0)

    /// How many faults fired since the store was made.
    public var faultsFired: Int { fired.withLock { $0 } }

    public init(_ wrapped: any GrantStore) { self.wrapped = wrapped }

    /// Makes the `call`-th call from now (0: the next one) fail at `timing`; forgets an earlier plan.
    public func arm(call: Int, timing: Timing) {
        plan.withLock { $0 = Plan(fault: (call, timing)) }
    }

    /// Disarms, and answers the fault that fired since `arm`, if any.
    @discardableResult
    public func disarm() -> InjectedFault? {
        plan.withLock { plan in
            defer { plan = Plan() }
            return plan.fired
        }
    }

    /// The fault due at this call, counting it.
    private func due() -> InjectedFault? {
        plan.withLock { plan in
            defer { plan.calls += 1 }
            guard plan.fired == nil, let fault = plan.fault, fault.call == plan.calls else { return nil }
            plan.fired = InjectedFault(call: fault.call, timing: fault.timing)
            fired.withLock { $0 += 1 }
            return plan.fired
        }
    }

    private func call<T>(_ body: () async throws -> T) async throws -> T {
        guard let fault = due() else { return try await body() }
        if fault.timing == .afterWrite { _ = try await body() }
        throw fault
    }

    // MARK: GrantStore

    public func insert(_ token: AccessToken, at digest: Digest256) async throws {
        try await call { try await wrapped.insert(token, at: digest) }
    }
    public func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? {
        try await call { try await wrapped.accessToken(at: digest) }
    }
    public func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateAccessToken(at: digest, transition) }
    }
    public func insert(_ code: AuthorizationCode, at digest: Digest256) async throws {
        try await call { try await wrapped.insert(code, at: digest) }
    }
    public func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateCode(at: digest, transition) }
    }
    public func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws {
        try await call { try await wrapped.insertRefreshToken(at: digest, family: family) }
    }
    public func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? {
        try await call { try await wrapped.familyID(forRefreshToken: digest) }
    }
    public func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        try await call { try await wrapped.updateFamily(id, transition) }
    }
    public func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        try await call { try await wrapped.family(id) }
    }
    public func updateAuthorization<Outcome: Sendable>(
        subject: Subject, client: ClientID, _ transition: @Sendable (inout UserAuthorization?) -> Outcome
    ) async throws -> Outcome {
        try await call { try await wrapped.updateAuthorization(subject: subject, client: client, transition) }
    }
    public func updateAuthorization<Outcome: Sendable>(
        _ id: AuthorizationID, _ transition: @Sendable (inout UserAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateAuthorization(id, transition) }
    }
    public func authorization(_ id: AuthorizationID) async throws -> UserAuthorization? {
        try await call { try await wrapped.authorization(id) }
    }
    public func authorizations(of subject: Subject) async throws -> [UserAuthorization] {
        try await call { try await wrapped.authorizations(of: subject) }
    }
    public func insert(_ key: APIKey, at digest: Digest256) async throws {
        try await call { try await wrapped.insert(key, at: digest) }
    }
    public func apiKey(at digest: Digest256) async throws -> APIKey? {
        try await call { try await wrapped.apiKey(at: digest) }
    }
    public func apiKeys(of subject: Subject) async throws -> [APIKey] {
        try await call { try await wrapped.apiKeys(of: subject) }
    }
    public func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateAPIKey(id, transition) }
    }
    public func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool {
        try await call { try await wrapped.insert(device, at: digest) }
    }
    public func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateDeviceAuthorization(at: digest, transition) }
    }
    public func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updateDeviceAuthorization(userCode: lookup, transition) }
    }
    public func updateSession<Outcome: Sendable>(
        _ id: SessionID, _ transition: @Sendable (inout SignInSession?) -> Outcome
    ) async throws -> Outcome {
        try await call { try await wrapped.updateSession(id, transition) }
    }
    public func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool {
        try await call { try await wrapped.insertOnce(digest, expiresAt: expiresAt) }
    }
    public func insert(_ request: PushedRequest, at digest: Digest256) async throws {
        try await call { try await wrapped.insert(request, at: digest) }
    }
    public func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? {
        try await call { try await wrapped.updatePushedRequest(at: digest, transition) }
    }
    public func purge(before cutoff: Date) async throws -> Int {
        try await call { try await wrapped.purge(before: cutoff) }
    }
}
