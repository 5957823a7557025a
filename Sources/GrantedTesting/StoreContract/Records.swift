import Foundation
import Granted

/// Records with every field set (or deliberately nil or empty), so a store that drops or mangles
/// one column fails a round trip. Dates are whole seconds.
enum Records {
    static let t0 = ContractFlow.start

    static func digest(_ name: String) -> Digest256 { Digest256(hashing: name) }

    /// The audience of tokens and the resources of codes and families unless a case asks for
    /// none (RFC 8707 §2): two, so a store that keeps only one, or none, fails a round trip.
    static let resources: Audience = ["https://api.example.com", "https://tools.example.com/mcp"]

    /// A JWK SHA-256 thumbprint (RFC 7638 §3.1's example key), for DPoP-bound records.
    static let thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

    static func token(
        client: ClientID = "service", subject: Subject? = nil, scopes: ScopeSet = [.public],
        expiresIn lifetime: TimeInterval? = 60, family: FamilyID? = nil, authorization: AuthorizationID? = nil,
        audience: Audience = Records.resources, keyThumbprint: String? = nil
    ) -> AccessToken {
        AccessToken(
            client: client, subject: subject, scopes: scopes, issuedAt: t0, expiresAt: lifetime.map { t0 + $0 },
            family: family, authorization: authorization, audience: audience, keyThumbprint: keyThumbprint)
    }

    static func code(
        lifetime: TimeInterval = 30, authorization: AuthorizationID = AuthorizationID(uuid: UUID()),
        family: FamilyID = FamilyID(uuid: UUID()), resources: Audience = Records.resources,
        keyThumbprint: String? = nil
    ) -> AuthorizationCode {
        AuthorizationCode(
            client: "web-app", redirectURI: "https://app.example.com/callback", scopes: [.openid, .profile],
            subject: "alice", authTime: t0 - 5, nonce: "n-0S6_WzA2Mj",
            challenge: PKCEChallenge(challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: .s256),
            authorization: authorization, family: family, issuedAt: t0, lifetime: lifetime, resources: resources,
            sessionID: "session-contract", keyThumbprint: keyThumbprint)
    }

    /// A code with the optional fields nil and no resources.
    static func plainCode(authorization: AuthorizationID = AuthorizationID(uuid: UUID())) -> AuthorizationCode {
        AuthorizationCode(
            client: "web-app", redirectURI: nil, scopes: [.public], subject: "bob", authTime: t0, nonce: nil,
            challenge: nil, authorization: authorization, family: FamilyID(uuid: UUID()), issuedAt: t0,
            lifetime: 30)
    }

    static func family(
        _ id: FamilyID = FamilyID(uuid: UUID()), authorization: AuthorizationID = AuthorizationID(uuid: UUID()),
        current: Digest256? = digest("grt_first"), expiresAt: Date? = nil, accessTokensExpireBy: Date? = t0 + 3600,
        resources: Audience = Records.resources, keyThumbprint: String? = nil
    ) -> RefreshFamily {
        RefreshFamily(
            id: id, client: "web-app", subject: "alice", scopes: [.openid, .email], authorization: authorization,
            authTime: t0 - 5, createdAt: t0, expiresAt: expiresAt, current: current,
            accessTokensExpireBy: accessTokensExpireBy, resources: resources, sessionID: "session-contract",
            keyThumbprint: keyThumbprint)
    }

    static func authorization(
        _ id: AuthorizationID = AuthorizationID(uuid: UUID()), subject: Subject = "alice",
        client: ClientID = "web-app", scopes: ScopeSet = [.openid], at time: Date = t0
    ) -> UserAuthorization {
        UserAuthorization(id: id, subject: subject, client: client, scopes: scopes, at: time)
    }

    static func apiKey(subject: Subject = "alice", name: String = "laptop", createdAt: Date = t0) -> APIKey {
        APIKey(id: APIKeyID(uuid: UUID()), subject: subject, name: name, createdAt: createdAt)
    }

    static let approval = DeviceAuthorization.Approval(
        subject: "alice", scopes: [.openid, .profile], authTime: t0 - 5,
        authorization: AuthorizationID(uuid: UUID(uuidString: "6f1d2c3b-4a59-4e68-8a7b-9c0d1e2f3a4b") ?? UUID()),
        approvedAt: t0 + 1, sessionID: "session-of-the-approval")

    /// A device authorization whose user code lookup digest is the digest of `lookup`.
    static func device(
        lookup: String, client: ClientID = "tv", lifetime: TimeInterval = 600, resources: Audience = Records.resources,
        state: DeviceAuthorization.State = .pending, polled: Bool = false, failures: Int = 0
    ) -> DeviceAuthorization {
        DeviceAuthorization(
            client: client, scopes: [.openid, .profile, .public], resources: resources, userCodeLookup: digest(lookup),
            userCodeCheck: digest("check \(lookup)"), family: FamilyID(uuid: UUID()), issuedAt: t0,
            expiresAt: t0 + lifetime, interval: polled ? 10 : 5, lastPolledAt: polled ? t0 + 1 : nil,
            failedEntries: failures, state: state)
    }

    /// Stores `authorization` as the active one of its user and client.
    static func store(_ authorization: UserAuthorization, in store: any GrantStore) async throws {
        try await store.updateAuthorization(subject: authorization.subject, client: authorization.client) {
            $0 = authorization
        }
    }

    /// Runs `body` `count` times at once and answers the results, in no particular order.
    static func race<T: Sendable>(_ count: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for _ in 0..<count { group.addTask { try await body() } }
            var results: [T] = []
            for try await result in group { results.append(result) }
            return results
        }
    }
}
