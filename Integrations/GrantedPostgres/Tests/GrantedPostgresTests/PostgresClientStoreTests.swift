import Foundation
import Granted
import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// Registered clients in PostgreSQL: every field comes back as registered.
@Suite("PostgreSQL client store", .enabled(if: TestDatabase.isConfigured))
struct PostgresClientStoreTests {
    static let hasher = SHA256SecretHasher()

    static let clients: [Client] = [
        Client(
            id: "confidential", name: "A confidential app", authentication: .clientSecret(hasher.hash("s3cret")),
            redirectURIs: ["https://app.example.com/callback", "https://app.example.com/other"],
            grantTypes: [.authorizationCode, .refreshToken, .clientCredentials], allowedScopes: [.openid, .email],
            requiresPKCE: true),
        Client(id: "public", redirectURIs: ["com.example.app:/callback"], grantTypes: [.authorizationCode]),
        Client(id: "no-scopes", authentication: .clientSecret(hasher.hash("other")), grantTypes: [.clientCredentials],
            allowedScopes: .empty),
        Client(
            id: "post-only", authentication: .clientSecret(hasher.hash("third"), methods: .post),
            grantTypes: [.clientCredentials]),
    ]

    @Test("a registered client comes back with every field; an unknown one is nil")
    func roundTrip() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema)
                for registered in Self.clients { try await store.register(registered) }
                for registered in Self.clients {
                    #expect(try await store.client(registered.id) == registered)
                }
                #expect(try await store.client("unknown") == nil)
            }
        }
    }

    @Test("registering again replaces the client; removing it makes it unknown")
    func replaceAndRemove() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema)
                try await store.register(Self.clients[0])
                var changed = Self.clients[0]
                changed.name = "Renamed"
                changed.redirectURIs = []
                changed.allowedScopes = nil
                try await store.register(changed)
                #expect(try await store.client(changed.id) == changed)
                try await store.remove(changed.id)
                #expect(try await store.client(changed.id) == nil)
            }
        }
    }

    @Test("a server authenticates clients from the database (RFC 6749 §2.3.1)")
    func serverUsesIt() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema)
                for registered in ContractFlow.clients() { try await store.register(registered) }
                let flow = ContractFlow(store: PostgresGrantStore(client: client, schema: schema), clients: store)
                #expect(await flow.clientCredentials().status == 200)
                let wrong = BasicCredentials(clientID: ContractFlow.service.clientID, secret: "wrong")
                let refused = await flow.server.token(
                    ContractFlow.tokenRequest([("grant_type", "client_credentials")], as: wrong))
                #expect(refused.status == 401)
            }
        }
    }
}
