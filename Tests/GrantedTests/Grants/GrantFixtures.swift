import Foundation
@testable import Granted

/// Plain values for calling the grants directly: no HTTP request, no store.
enum GrantFixtures {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let confidential = Client(
        id: "app", authentication: .clientSecret(SHA256SecretHasher().hash("secret")), redirectURIs: ["https://app.example/cb"],
        grantTypes: [.authorizationCode, .refreshToken, .clientCredentials, .implicit])
    static let publicClient = Client(
        id: "spa", redirectURIs: ["https://spa.example/cb"], grantTypes: [.authorizationCode, .refreshToken])
    static let alice: Subject = "alice"

    static func authorization(
        client: ClientID = confidential.id, revoked: Bool = false
    ) -> UserAuthorization {
        var authorization = UserAuthorization(
            id: AuthorizationID(uuid: UUID()), subject: alice, client: client, scopes: [.public, .openid], at: now)
        if revoked { authorization.revoke(at: now) }
        return authorization
    }

    static func code(
        client: ClientID = confidential.id, scopes: ScopeSet = [.public], nonce: String? = nil,
        authorization: AuthorizationID = AuthorizationID(uuid: UUID())
    ) -> AuthorizationCode {
        AuthorizationCode(
            client: client, redirectURI: "https://app.example/cb", scopes: scopes, subject: alice,
            authTime: now - 60, nonce: nonce, challenge: nil, authorization: authorization,
            family: FamilyID(uuid: UUID()), issuedAt: now, lifetime: 30)
    }

    static func family(client: ClientID = confidential.id, scopes: ScopeSet = [.public, .profile]) -> RefreshFamily {
        RefreshFamily(
            id: FamilyID(uuid: UUID()), client: client, subject: alice, scopes: scopes,
            authorization: AuthorizationID(uuid: UUID()), authTime: now - 60, createdAt: now, expiresAt: nil,
            current: SHA256.hash("grt_current"), accessTokensExpireBy: now + 3600)
    }
}
