import Foundation
import Testing

@testable import Granted

@Suite("In-memory grant store")
struct InMemoryGrantStoreTests {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    private let random = SystemRandom()

    private func token(expiresIn lifetime: TimeInterval? = 60) -> AccessToken {
        AccessToken(
            client: "service", subject: nil, scopes: [.public], issuedAt: t0, expiresAt: lifetime.map { t0 + $0 })
    }

    private func code(lifetime: TimeInterval = 30) -> AuthorizationCode {
        AuthorizationCode(
            client: "web-app", redirectURI: nil, scopes: [.openid], subject: "alice", authTime: t0, nonce: nil,
            challenge: nil, authorization: AuthorizationID(random: random), family: FamilyID(random: random),
            issuedAt: t0, lifetime: lifetime)
    }

    @Test("an access token is found only under the digest it was stored at")
    func accessTokenLookup() async throws {
        let store = InMemoryGrantStore()
        let digest = SHA256.hash("gat_one")
        try await store.insert(token(), at: digest)
        #expect(store.accessTokenCount == 1)
        #expect(try await store.accessToken(at: digest)?.token == token())
        #expect(try await store.accessToken(at: SHA256.hash("gat_two")) == nil)
    }

    @Test("a transition updates the stored token and reports its outcome; a missing one answers nil")
    func accessTokenUpdate() async throws {
        let store = InMemoryGrantStore()
        let digest = SHA256.hash("gat_one")
        try await store.insert(token(), at: digest)
        let now = t0 + 5
        #expect(try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } == true)
        #expect(try await store.updateAccessToken(at: digest) { $0.revoke(at: now) } == false)
        #expect(try await store.accessToken(at: digest)?.token.state == .revoked(at: now))
        #expect(try await store.updateAccessToken(at: SHA256.hash("gat_two")) { $0.revoke(at: now) } == nil)
    }

    @Test("the token count spans every shard", arguments: [0, 1, 17, 500])
    func accessTokenCount(count: Int) async throws {
        let store = InMemoryGrantStore(expectedTokens: count)
        for index in 0..<count { try await store.insert(token(), at: SHA256.hash("gat_\(index)")) }
        #expect(store.accessTokenCount == count)
    }

    @Test("a code redeemed by many tasks at once is granted exactly once (RFC 6749 §4.1.2)", arguments: [2, 10, 100])
    func codeRedeemedOnce(tasks: Int) async throws {
        let store = InMemoryGrantStore()
        let digest = SHA256.hash("gac_code")
        try await store.insert(code(), at: digest)
        let now = t0 + 1
        let outcomes = try await withThrowingTaskGroup(of: AuthorizationCode.Redemption?.self) { group in
            for _ in 0..<tasks { group.addTask { try await store.updateCode(at: digest) { $0.redeem(at: now) } } }
            return try await group.reduce(into: [AuthorizationCode.Redemption?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .granted }.count == 1)
        #expect(outcomes.filter { $0 == .replayed }.count == tasks - 1)
        #expect(try await store.updateCode(at: SHA256.hash("gac_other")) { $0.redeem(at: now) } == nil)
    }

    @Test("an API key is found by its digest, listed by its subject and revoked by its id")
    func apiKeys() async throws {
        let store = InMemoryGrantStore()
        let first = APIKey(id: APIKeyID(random: random), subject: "alice", name: "laptop", createdAt: t0)
        let second = APIKey(id: APIKeyID(random: random), subject: "alice", name: "ci", createdAt: t0 + 10)
        let other = APIKey(id: APIKeyID(random: random), subject: "bob", name: "script", createdAt: t0)
        try await store.insert(second, at: SHA256.hash("gak_2"))
        try await store.insert(first, at: SHA256.hash("gak_1"))
        try await store.insert(other, at: SHA256.hash("gak_3"))
        #expect(try await store.apiKey(at: SHA256.hash("gak_1")) == first)
        #expect(try await store.apiKey(at: SHA256.hash("gak_4")) == nil)
        #expect(try await store.apiKeys(of: "alice").map(\.id) == [first.id, second.id])
        let now = t0 + 20
        #expect(try await store.updateAPIKey(first.id) { $0.revoke(at: now) } == true)
        #expect(try await store.apiKey(at: SHA256.hash("gak_1"))?.isActive == false)
        #expect(try await store.updateAPIKey(APIKeyID(random: random)) { $0.revoke(at: now) } == nil)
    }

    @Test("one active authorization per user and client; revoking it frees the slot")
    func authorizations() async throws {
        let store = InMemoryGrantStore()
        let id = AuthorizationID(random: random)
        let created = UserAuthorization(id: id, subject: "alice", client: "web-app", scopes: [.openid], at: t0)
        try await store.updateAuthorization(subject: "alice", client: "web-app") { $0 = created }
        let later = t0 + 1
        try await store.updateAuthorization(subject: "alice", client: "web-app") { $0?.approve([.email], at: later) }
        #expect(try await store.authorization(id)?.scopes == [.email, .openid])
        #expect(try await store.updateAuthorization(id) { $0.revoke(at: later) } == true)
        let active = try await store.updateAuthorization(subject: "alice", client: "web-app") { $0 }
        #expect(active == nil)
        #expect(try await store.authorizations(of: "alice").map(\.id) == [id])
    }

    @Test("purge deletes what has been dead since before the cutoff and keeps the rest")
    func purge() async throws {
        let store = InMemoryGrantStore()
        try await store.insert(token(expiresIn: 60), at: SHA256.hash("gat_short"))
        try await store.insert(token(expiresIn: 3600), at: SHA256.hash("gat_long"))
        try await store.insert(token(expiresIn: nil), at: SHA256.hash("gat_forever"))
        try await store.insert(code(lifetime: 30), at: SHA256.hash("gac_code"))
        #expect(try await store.purge(before: t0 + 120) == 2)
        #expect(store.accessTokenCount == 2)
        #expect(try await store.accessToken(at: SHA256.hash("gat_short")) == nil)
        #expect(try await store.accessToken(at: SHA256.hash("gat_long")) != nil)
        #expect(try await store.purge(before: t0 + 120) == 0)
    }
}
