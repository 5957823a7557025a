import Foundation
import Granted
import GrantedPostgres
import Logging
import PostgresNIO
import Testing

/// The resource indicator columns (RFC 8707 §2): a token's `audience` and the `resources` of a
/// code and a family are `text[]`, written sorted, and a value that is not a resource identifier
/// is a corrupt row on every read path, the join and the locked read of a transition included.
@Suite("Resource indicator columns in PostgreSQL", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(3)))
struct ResourceColumnsTests {
    static let logger = Logger(label: "granted.postgres.tests")
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    static let resources: Audience = ["https://tools.example.com/mcp", "https://api.example.com", "urn:example:c"]

    /// A token in a family, its family, and a code, all for `resources`, stored in a fresh schema.
    static func withStored(
        _ body: (PostgresClient, PostgresSchema, PostgresGrantStore, FamilyID) async throws -> Void
    ) async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresGrantStore(client: client, schema: schema)
                let authorization = AuthorizationID(uuid: UUID())
                let family = RefreshFamily(
                    id: FamilyID(uuid: UUID()), client: "web-app", subject: "alice", scopes: [.openid],
                    authorization: authorization, authTime: t0, createdAt: t0, expiresAt: nil,
                    current: Digest256(hashing: "grt_one"), accessTokensExpireBy: t0 + 3600, resources: resources)
                try await store.updateFamily(family.id) { $0 = family }
                try await store.insert(
                    AccessToken(
                        client: "web-app", subject: "alice", scopes: [.openid], issuedAt: t0, expiresAt: t0 + 3600,
                        family: family.id, authorization: authorization, audience: resources),
                    at: Digest256(hashing: "gat_one"))
                try await store.insert(
                    AuthorizationCode(
                        client: "web-app", redirectURI: nil, scopes: [.openid], subject: "alice", authTime: t0,
                        nonce: nil, challenge: nil, authorization: authorization, family: family.id, issuedAt: t0,
                        lifetime: 30, resources: resources),
                    at: Digest256(hashing: "gac_one"))
                try await body(client, schema, store, family.id)
            }
        }
    }

    static func arrays(_ client: PostgresClient, _ query: PostgresQuery) async throws -> [[String]] {
        var values: [[String]] = []
        for try await value in try await client.query(query, logger: logger).decode([String].self) {
            values.append(value)
        }
        return values
    }

    @Test("each set is stored as one sorted text[]")
    func sorted() async throws {
        try await Self.withStored { client, schema, _, _ in
            let sorted = Self.resources.map(\.rawValue).sorted()
            let name = schema.name
            let audiences = try await Self.arrays(client, "SELECT audience FROM \(unescaped: name).access_tokens")
            let codes = try await Self.arrays(client, "SELECT resources FROM \(unescaped: name).authorization_codes")
            let families = try await Self.arrays(client, "SELECT resources FROM \(unescaped: name).refresh_families")
            #expect(audiences == [sorted])
            #expect(codes == [sorted])
            #expect(families == [sorted])
        }
    }

    @Test("a stored value that is not an absolute URI without a fragment is a corrupt row, on every read")
    func corrupt() async throws {
        try await Self.withStored { client, schema, store, family in
            let name = schema.name
            for statement: PostgresQuery in [
                "UPDATE \(unescaped: name).access_tokens SET audience = '{https://api.example.com,relative/path}'",
                "UPDATE \(unescaped: name).authorization_codes SET resources = '{https://api.example.com#part}'",
                "UPDATE \(unescaped: name).refresh_families SET resources = '{\"\"}'",
            ] {
                try await client.query(statement, logger: Self.logger)
            }
            let tokens = "\(name).access_tokens"
            let codes = "\(name).authorization_codes"
            let families = "\(name).refresh_families"
            let token = Digest256(hashing: "gat_one")
            // The token's own column first, then the joined family's.
            await #expect(throws: PostgresStoreError.corruptRow(table: tokens, column: "audience")) {
                try await store.accessToken(at: token)
            }
            await #expect(throws: PostgresStoreError.corruptRow(table: tokens, column: "audience")) {
                try await store.updateAccessToken(at: token) { $0.revoke(at: Self.t0 + 1) }
            }
            try await client.query(
                "UPDATE \(unescaped: name).access_tokens SET audience = '{}'", logger: Self.logger)
            await #expect(throws: PostgresStoreError.corruptRow(table: families, column: "f_resources")) {
                try await store.accessToken(at: token)
            }
            await #expect(throws: PostgresStoreError.corruptRow(table: families, column: "resources")) {
                try await store.family(family)
            }
            await #expect(throws: PostgresStoreError.corruptRow(table: families, column: "resources")) {
                try await store.updateFamily(family) { $0?.revoke(at: Self.t0 + 1) }
            }
            await #expect(throws: PostgresStoreError.corruptRow(table: codes, column: "resources")) {
                try await store.updateCode(at: Digest256(hashing: "gac_one")) { $0.redeem(at: Self.t0 + 1) }
            }
            // A transition that could not read its row wrote nothing.
            let unchanged = try await Self.arrays(
                client, "SELECT resources FROM \(unescaped: name).authorization_codes")
            #expect(unchanged == [["https://api.example.com#part"]])
        }
    }
}
