import Granted
import GrantedPostgres
import GrantedTesting
import Testing

/// The client cache (`ClientCache`): this store's writes are seen at once, another process's
/// within the cache's lifetime.
@Suite("PostgreSQL client cache", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(2)))
struct ClientCacheTests {
    static let hasher = SHA256SecretHasher()
    static let original = Client(
        id: "cached", authentication: .clientSecret(hasher.hash("first")), grantTypes: [.clientCredentials])

    static func renamed(_ name: String) -> Client {
        var client = original
        client.name = name
        return client
    }

    @Test("the store's own writes invalidate at once: register, remove, and the registry's replace and delete")
    func ownWrites() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema, cacheLifetime: .seconds(3600))
                try await store.register(Self.original)
                #expect(try await store.client(Self.original.id) == Self.original)
                try await store.register(Self.renamed("second"))
                #expect(try await store.client(Self.original.id) == Self.renamed("second"))
                try await store.remove(Self.original.id)
                #expect(try await store.client(Self.original.id) == nil)

                let metadata = try ClientMetadata(
                    json: Array(#"{"redirect_uris":["https://c.example.com/cb"],"client_name":"first"}"#.utf8),
                    policy: Policy())
                let registration = RegisteredClient(
                    client: metadata.client(id: "registered", secretHash: Self.hasher.hash("registered-secret")),
                    metadata: metadata, issuedAt: ContractFlow.start, accessTokenDigest: Digest256(hashing: "grg_first"))
                #expect(try await store.client(registration.id) == nil)
                #expect(try await store.insert(registration))
                #expect(try await store.client(registration.id) == registration.client)
                var replaced = registration
                replaced.client.name = "replaced"
                replaced.accessTokenDigest = Digest256(hashing: "grg_second")
                #expect(try await store.replace(replaced, expecting: registration.accessTokenDigest))
                #expect(try await store.client(registration.id) == replaced.client)
                #expect(try await store.delete(registration.id, expecting: replaced.accessTokenDigest))
                #expect(try await store.client(registration.id) == nil)
            }
        }
    }

    @Test("another process's change: unseen while the cached entry lives, seen once it expired")
    func otherProcess() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let long = PostgresClientStore(client: client, schema: schema, cacheLifetime: .seconds(3600))
                let short = PostgresClientStore(client: client, schema: schema, cacheLifetime: .milliseconds(200))
                let uncached = PostgresClientStore(client: client, schema: schema, cacheLifetime: nil)
                try await uncached.register(Self.original)
                for store in [long, short, uncached] {
                    #expect(try await store.client(Self.original.id) == Self.original)
                }
                try await TestDatabase.withClient { other in
                    try await PostgresClientStore(client: other, schema: schema).register(Self.renamed("elsewhere"))
                }
                #expect(try await uncached.client(Self.original.id) == Self.renamed("elsewhere"))
                #expect(
                    try await long.client(Self.original.id) == Self.original,
                    "served from the cache: no read of the database")
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await short.client(Self.original.id) == Self.renamed("elsewhere"))
            }
        }
    }
}
