import Foundation
import Granted
import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// Registered clients in PostgreSQL: every field comes back as registered.
@Suite("PostgreSQL client store", .enabled(if: TestDatabase.isConfigured), .timeLimit(.minutes(3)))
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
        Client(
            id: "signs-out", redirectURIs: ["https://rp.example.com/cb"], grantTypes: [.authorizationCode],
            postLogoutRedirectURIs: ["https://rp.example.com/bye", "https://rp.example.com/bye?again"],
            backchannelLogoutURI: "https://rp.example.com/backchannel", backchannelLogoutSessionRequired: true),
        Client(
            id: "pinned-bound", authentication: .privateKeyJWT(.jwksURI("https://rp.example.com/jwks")),
            grantTypes: [.clientCredentials], tokenEndpointAuthSigningAlgorithm: .ps256, requiresDPoP: true),
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
                changed.postLogoutRedirectURIs = ["https://app.example.com/signed-out"]
                changed.backchannelLogoutURI = "https://app.example.com/backchannel"
                changed.tokenEndpointAuthSigningAlgorithm = .hs256
                changed.requiresDPoP = true
                try await store.register(changed)
                #expect(try await store.client(changed.id) == changed)
                // RFC 9449 §5.2 and OIDC Registration §2 metadata are replaced like the rest, down to none.
                changed.tokenEndpointAuthSigningAlgorithm = nil
                changed.requiresDPoP = false
                try await store.register(changed)
                #expect(try await store.client(changed.id) == changed)
                // Sign-out metadata is replaced like the rest, down to none.
                changed.postLogoutRedirectURIs = []
                changed.backchannelLogoutURI = nil
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

    @Test("a server registers, reads and deletes a client in the database (RFC 7591 §3; RFC 7592 §2)")
    func dynamicRegistration() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema)
                var policy = Policy()
                policy.registration = .open
                let server = AuthorizationServer(issuer: "https://as.example", policy: policy, clients: store)
                let registered = await server.register(
                    OAuthRequest(
                        method: .post, path: "/register", headers: ["Content-Type": "application/json"],
                        body: Array(#"{"grant_types":["client_credentials"],"scope":"public"}"#.utf8)))
                #expect(registered.status == 201)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(registered.body)) as? [String: Any])
                let id = try #require(document["client_id"] as? String)
                let secret = try #require(document["client_secret"] as? String)
                let token = try #require(document["registration_access_token"] as? String)
                let credentials = BasicCredentials(clientID: ClientID(id), secret: secret)
                #expect(await server.token(RequestBuilder.clientCredentials(as: .basic(credentials))).status == 200)
                let bearer: HeaderFields = ["Authorization": "Bearer \(token)"]
                let read = try #require(await server.handle(OAuthRequest(method: .get, path: "/register/\(id)", headers: bearer)))
                #expect(read.status == 200)
                // RFC 7592 §3: the read rotated the registration token, in the database too.
                let readDocument = try #require(try JSONSerialization.jsonObject(with: Data(read.body)) as? [String: Any])
                let rotated = try #require(readDocument["registration_access_token"] as? String)
                #expect(await server.handle(OAuthRequest(method: .delete, path: "/register/\(id)", headers: bearer))?.status == 401)
                let current: HeaderFields = ["Authorization": "Bearer \(rotated)"]
                #expect(await server.handle(OAuthRequest(method: .delete, path: "/register/\(id)", headers: current))?.status == 204)
                #expect(await server.token(RequestBuilder.clientCredentials(as: .basic(credentials))).status == 401)
            }
        }
    }

    @Test("registering a configured client over a registered one drops the registration")
    func configuredReplacesRegistered() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresClientStore(client: client, schema: schema)
                let metadata = try ClientMetadata(json: Array(#"{"grant_types":["client_credentials"]}"#.utf8), policy: Policy())
                let registration = RegisteredClient(
                    client: metadata.client(id: "both", secretHash: Self.hasher.hash("s")), metadata: metadata,
                    issuedAt: Date(timeIntervalSince1970: 1_700_000_000), accessTokenDigest: Digest256(hashing: "t"))
                #expect(try await store.insert(registration))
                let configured = Client(id: "both", grantTypes: [.authorizationCode], requiresPKCE: true)
                try await store.register(configured)
                #expect(try await store.registration("both") == nil)
                #expect(try await store.client("both") == configured)
            }
        }
    }
}
