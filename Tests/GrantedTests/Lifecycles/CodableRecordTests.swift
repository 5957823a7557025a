import Foundation
import Granted
import Testing

/// Lifecycle records and the digest survive JSON, so a host's file-backed store needs no mirror
/// types: every case of every state, optional fields present and nil.
@Suite("Lifecycle records are Codable")
struct CodableRecordTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let authorizationID = AuthorizationID(uuid: UUID())
    static let familyID = FamilyID(uuid: UUID())

    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    static let tokens: [AccessToken] = [
        AccessToken(client: "service", subject: nil, scopes: [.public], issuedAt: t0, expiresAt: t0 + 60),
        AccessToken(
            client: "web", subject: "alice", scopes: [.openid, .email], issuedAt: t0, expiresAt: nil,
            family: familyID, authorization: authorizationID, state: .revoked(at: t0 + 5)),
    ]

    @Test("access tokens", arguments: tokens)
    func accessToken(_ token: AccessToken) throws {
        #expect(try Self.roundTrip(token) == token)
    }

    static let codeStates: [AuthorizationCode.State] = [
        .issued(expiresAt: t0 + 30), .redeemed(at: t0 + 1), .revoked(at: t0 + 2),
    ]

    @Test("authorization codes in every state", arguments: codeStates, [true, false])
    func code(_ state: AuthorizationCode.State, optionalsSet: Bool) throws {
        let code = AuthorizationCode(
            client: "web", redirectURI: optionalsSet ? "https://app.example.com/cb" : nil, scopes: [.profile],
            subject: "alice", authTime: Self.t0 - 5, nonce: optionalsSet ? "n-0S6" : nil,
            challenge: optionalsSet ? PKCEChallenge(challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: .s256) : nil,
            authorization: Self.authorizationID, family: Self.familyID, issuedAt: Self.t0, state: state)
        #expect(try Self.roundTrip(code) == code)
    }

    static let families: [RefreshFamily] = [
        RefreshFamily(
            id: familyID, client: "web", subject: "alice", scopes: [.public], authorization: authorizationID,
            authTime: t0, createdAt: t0, expiresAt: nil, current: Digest256(hashing: "grt_1"),
            accessTokensExpireBy: t0 + 3600),
        RefreshFamily(
            id: familyID, client: "web", subject: "alice", scopes: [.public, .email], authorization: authorizationID,
            authTime: t0, createdAt: t0, expiresAt: t0 + 86_400, current: nil, accessTokensExpireBy: nil,
            state: .revoked(at: t0 + 9),
            previous: .init(digest: Digest256(hashing: "grt_0"), rotatedAt: t0 + 3, retried: true),
            lastUsedAt: t0 + 3),
    ]

    @Test("refresh families, with and without a previous generation", arguments: families)
    func family(_ family: RefreshFamily) throws {
        #expect(try Self.roundTrip(family) == family)
        let record = AccessTokenRecord(token: Self.tokens[1], family: family, authorization: nil)
        #expect(try Self.roundTrip(record) == record)
    }

    /// The record keeps its parents in a box of its own; it must still encode as the synthesized
    /// conformance did (a nil parent absent), compare by value, and change only the copy set.
    @Test("an access token record: its JSON keys, equality and copies, with and without parents", arguments: [false, true])
    func recordShape(withParents: Bool) throws {
        let authorization = UserAuthorization(
            id: Self.authorizationID, subject: "alice", client: "web", scopes: [.openid], at: Self.t0)
        let record = AccessTokenRecord(
            token: Self.tokens[withParents ? 1 : 0], family: withParents ? Self.families[0] : nil,
            authorization: withParents ? authorization : nil)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
        #expect(object.map { Set($0.keys) } == (withParents ? ["token", "family", "authorization"] : ["token"]))
        #expect(try Self.roundTrip(record) == record)

        var copy = record
        copy.family = withParents ? nil : Self.families[1]
        #expect(copy != record)
        #expect(record.family == (withParents ? Self.families[0] : nil))
        #expect(copy.family == (withParents ? nil : Self.families[1]))
        #expect(copy.authorization == record.authorization)
        copy.family = record.family
        #expect(copy == record)
        #expect(copy.hashValue == record.hashValue)
    }

    @Test("user authorizations and API keys, active and revoked", arguments: [nil, t0 + 7] as [Date?])
    func authorizationAndKey(revokedAt: Date?) throws {
        let authorization = UserAuthorization(
            id: Self.authorizationID, subject: "alice", client: "web", scopes: [.openid], at: Self.t0,
            updatedAt: revokedAt, state: revokedAt.map { .revoked(at: $0) } ?? .active)
        #expect(try Self.roundTrip(authorization) == authorization)
        let key = APIKey(
            id: APIKeyID(uuid: UUID()), subject: "alice", name: "laptop", createdAt: Self.t0,
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
        #expect(try Self.roundTrip(key) == key)
    }

    @Test("the digest is 64 hex digits on the wire")
    func digest() throws {
        let digest = Digest256(hashing: "abc")
        let json = try #require(String(data: JSONEncoder().encode([digest]), encoding: .utf8))
        #expect(json == "[\"\(digest.hex)\"]")
        #expect(try Self.roundTrip(digest) == digest)
        let upper = Data("\"\(digest.hex.uppercased())\"".utf8)
        #expect(try JSONDecoder().decode(Digest256.self, from: upper) == digest)
    }

    @Test(
        "a malformed digest is a decoding error",
        arguments: ["", "abc", String(repeating: "0", count: 63), String(repeating: "g", count: 64),
            String(repeating: "0", count: 66)])
    func malformedDigest(_ text: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Digest256.self, from: Data("\"\(text)\"".utf8))
        }
    }
}
