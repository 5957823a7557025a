import Foundation
import Granted
import GrantedPostgres
import GrantedTesting
import Logging
import PostgresNIO
import Testing

/// The schema: migrations applied once however often and however concurrently processes start,
/// an index for every lookup, the one-active-authorization rule in the database itself, and no
/// secret stored anywhere but as a digest.
@Suite("Schema and migrations", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(3)))
struct MigrationTests {
    static let logger = Logger(label: "granted.postgres.tests")

    static func strings(_ client: PostgresClient, _ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await client.query(query, logger: logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    @Test("migrating again applies nothing, and schema_migrations lists each file once")
    func idempotent() async throws {
        try await TestDatabase.withClient { client in
            // withSchema migrates once; this is the second and third time.
            try await TestDatabase.withSchema(on: client) { schema in
                #expect(try await schema.migrate(client) == [])
                #expect(try await schema.migrate(client) == [])
                let applied = try await Self.strings(
                    client, "SELECT name FROM \(unescaped: schema.name).schema_migrations ORDER BY version")
                #expect(applied == ["0001_grants", "0002_clients", "0003_resources", "0004_client_registrations", "0005_device_authorizations",
                    "0006_client_assertions", "0007_pushed_requests", "0008_sessions", "0009_dpop",
                    "0010_client_assertion_and_dpop_metadata",
                ])
            }
        }
    }

    @Test("eight processes starting at once on a new schema: each migration applied exactly once")
    func concurrentStartUps() async throws {
        let schema = try TestDatabase.freshSchema()
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask { try await TestDatabase.withClient { client in try await schema.migrate(client) } }
            }
            var applied: [Int] = []
            for try await versions in group { applied += versions }
            return applied
        }
        #expect(applied.sorted() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        try await TestDatabase.withClient { client in try await schema.drop(client) }
    }

    @Test("rows stored before 0003_resources read back for no resource (RFC 8707) once it is applied")
    func resourcesOnEarlierRows() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                // Back to the schema 0002 left, with a token, a code and a family stored in it.
                let name = schema.name
                for statement: PostgresQuery in [
                    "ALTER TABLE \(unescaped: name).access_tokens DROP COLUMN audience",
                    "ALTER TABLE \(unescaped: name).authorization_codes DROP COLUMN resources",
                    "ALTER TABLE \(unescaped: name).refresh_families DROP COLUMN resources",
                    "DELETE FROM \(unescaped: name).schema_migrations WHERE version = 3",
                ] {
                    try await client.query(statement, logger: Self.logger)
                }
                let family = UUID()
                for statement: PostgresQuery in [
                    """
                    INSERT INTO \(unescaped: name).access_tokens (digest, client_id, scopes, issued_at, state)
                    VALUES (sha256('gat_earlier'), 'service', 'public', now(), 'active')
                    """,
                    """
                    INSERT INTO \(unescaped: name).authorization_codes
                        (digest, client_id, scopes, subject, auth_time, authorization_id, family_id, issued_at,
                         state, state_at, dead_since)
                    VALUES (sha256('gac_earlier'), 'web-app', 'openid', 'alice', now(), \(UUID()), \(family), now(),
                        'issued', now() + interval '30 seconds', now() + interval '30 seconds')
                    """,
                    """
                    INSERT INTO \(unescaped: name).refresh_families
                        (id, client_id, subject, scopes, authorization_id, auth_time, created_at, last_used_at, state)
                    VALUES (\(family), 'web-app', 'alice', 'openid', \(UUID()), now(), now(), now(), 'active')
                    """,
                ] {
                    try await client.query(statement, logger: Self.logger)
                }

                #expect(try await schema.migrate(client) == [3])
                let store = PostgresGrantStore(client: client, schema: schema)
                let token = try #require(try await store.accessToken(at: Digest256(hashing: "gat_earlier")))
                #expect(token.token.audience.isEmpty)
                #expect(try await store.updateCode(at: Digest256(hashing: "gac_earlier")) { $0.resources } == [])
                #expect(try await store.family(FamilyID(uuid: family))?.family.resources == [])
            }
        }
    }

    @Test("every lookup the engine makes has an index")
    func indexes() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let definitions = try await Self.strings(
                    client, "SELECT indexdef FROM pg_indexes WHERE schemaname = \(schema.name)")
                func indexed(_ table: String, _ columns: String, where condition: String? = nil) -> Bool {
                    definitions.contains {
                        $0.contains("ON \(schema.name).\(table) USING btree (\(columns))")
                            && condition.map($0.contains) ?? true
                    }
                }
                #expect(indexed("access_tokens", "digest"), "verification by token digest")
                #expect(indexed("authorization_codes", "digest"), "redemption by code digest")
                #expect(indexed("refresh_tokens", "digest"), "refresh by token digest")
                #expect(indexed("api_keys", "digest"), "API keys by digest")
                #expect(indexed("device_authorizations", "digest"), "polls by device code digest")
                #expect(indexed("device_authorizations", "user_code_lookup"), "the verification page by user code")
                #expect(indexed("one_time_uses", "digest"), "a client assertion's jti")
                #expect(indexed("one_time_uses", "expires_at"), "purging expired one-time uses")
                #expect(indexed("pushed_requests", "digest"), "the authorization endpoint by request_uri digest")
                #expect(indexed("api_keys", "id"), "API keys by id")
                #expect(indexed("api_keys", "subject, created_at"), "a user's API keys")
                #expect(indexed("refresh_families", "id"))
                #expect(indexed("user_authorizations", "id"), "by user authorization id")
                #expect(indexed("user_authorizations", "subject, client_id", where: "WHERE (state = 'active'::text)"))
                #expect(indexed("user_authorizations", "subject, created_at"), "a user's authorizations")
                #expect(indexed("access_tokens", "family_id") && indexed("access_tokens", "authorization_id"))
                #expect(indexed("authorization_codes", "authorization_id"))
                #expect(indexed("refresh_families", "authorization_id") && indexed("refresh_tokens", "family_id"))
                for table in ["access_tokens", "authorization_codes", "refresh_families", "user_authorizations", "api_keys"] {
                    #expect(indexed(table, "dead_since"), "housekeeping on \(table)")
                }
                #expect(indexed("clients", "client_id"))
            }
        }
    }

    @Test("the database itself refuses a second active authorization of one user for one client")
    func oneActiveAuthorization() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let insert: @Sendable (UUID) -> PostgresQuery = { id in
                    """
                    INSERT INTO \(unescaped: schema.name).user_authorizations
                        (id, subject, client_id, scopes, created_at, updated_at, state)
                    VALUES (\(id), 'alice', 'web-app', 'openid', now(), now(), 'active')
                    """
                }
                try await client.query(insert(UUID()), logger: Self.logger)
                await #expect(throws: PSQLError.self) { try await client.query(insert(UUID()), logger: Self.logger) }
            }
        }
    }

    @Test("no token, code, refresh token, API key or client secret is stored, only their digests")
    func onlyDigests() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let registry = PostgresClientStore(client: client, schema: schema)
                for registered in ContractFlow.clients() { try await registry.register(registered) }
                let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema), clients: registry)
                var secrets = [ContractFlow.service.secret, ContractFlow.webApp.secret]
                secrets.append(try await flow.issueToken())
                let code = try await flow.code()
                secrets.append(code)
                let tokens = try ContractFlow.Tokens(await flow.exchange(code))
                secrets.append(tokens.accessToken)
                let refresh = try #require(tokens.refreshToken)
                secrets.append(refresh)
                secrets.append(try #require(try ContractFlow.Tokens(await flow.refresh(refresh)).refreshToken))
                secrets.append(try await flow.server.createAPIKey(for: ContractFlow.alice, name: "laptop").key)

                var dump = ""
                for table in [
                    "access_tokens", "authorization_codes", "refresh_tokens", "refresh_families",
                    "user_authorizations", "api_keys", "clients",
                ] {
                    let rows = try await Self.strings(
                        client, "SELECT row_to_json(t)::text FROM \(unescaped: schema.name).\(unescaped: table) t")
                    #expect(!rows.isEmpty, "\(table) has rows")
                    dump += rows.joined(separator: "\n")
                }
                for secret in secrets {
                    // The random part after the prefix, so a match cannot be the prefix alone.
                    let body = secret.split(separator: "_", maxSplits: 1).last.map(String.init) ?? secret
                    #expect(!dump.contains(body), "a secret is stored in the clear")
                }
            }
        }
    }
}
