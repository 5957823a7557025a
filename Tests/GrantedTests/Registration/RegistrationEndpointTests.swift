import Foundation
import Testing
@testable import Granted
import GrantedTesting

@Suite("Registration endpoint (RFC 7591 §3)")
struct RegistrationEndpointTests {
    typealias H = RegistrationHarness

    @Test("201 with a server-issued client_id, a secret, the token and URI, and the metadata as registered (§3.2.1)")
    func registersConfidentialClient() async throws {
        let harness = H()
        let response = try #require(await harness.server.handle(H.registration(H.confidentialClient)))
        #expect(response.status == 201)
        #expect(response.isNotCacheable)
        #expect(response.headers["Content-Type"] == "application/json")
        let document = try response.jsonObject()
        let id = try #require(document["client_id"] as? String)
        #expect(id.utf8.count == 22 && id.utf8.allSatisfy(base64URLCharacters.contains))
        let secret = try #require(document["client_secret"] as? String)
        #expect(secret.hasPrefix("gcs_") && secret.utf8.count == 4 + 43)
        #expect(document["client_secret_expires_at"] as? Int == 0)
        #expect(document["client_id_issued_at"] as? Int == Int(TestServer.start.timeIntervalSince1970))
        let token = try #require(document["registration_access_token"] as? String)
        #expect(token.hasPrefix("grg_"))
        #expect(document["registration_client_uri"] as? String == "https://auth.example.com/register/\(id)")
        #expect(response.headers["Location"] == "https://auth.example.com/register/\(id)")
        #expect(document["token_endpoint_auth_method"] as? String == "client_secret_basic")
        #expect(document["grant_types"] as? [String] == ["authorization_code", "refresh_token", "client_credentials"])
        #expect(document["response_types"] as? [String] == ["code"])
        #expect(document["redirect_uris"] as? [String] == [H.redirect])
        #expect(document["scope"] as? String == "profile public")
    }

    @Test("the secret and the registration access token are stored only as hashes")
    func storedAsHashes() async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let registry = try #require(harness.server.clients as? InMemoryClientStore)
        let stored = try #require(try await registry.registration(ClientID(registered.clientID)))
        #expect(stored.accessTokenDigest == Digest256(hashing: registered.accessToken))
        let hash = try #require(stored.client.secretHash)
        #expect(hash != SecretHash(scheme: "plain", value: Array((registered.secret ?? "").utf8)))
        // Derived from the server key and a stored salt (`DerivedClientSecret`), never stored.
        #expect(hash.scheme == DerivedClientSecret.scheme)
        #expect(harness.server.verifySecret(try #require(registered.secret), of: stored.id, against: hash))
        #expect(!"\(stored)".contains(try #require(registered.secret)))
        #expect(!"\(stored)".contains(registered.accessToken))
    }

    @Test("no client_secret for none and private_key_jwt; client_secret_expires_at only with a secret (§3.2.1)")
    func noSecretForPublicClient() async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        #expect(registered.secret == nil)
        #expect(registered["client_secret_expires_at"] == nil)
        #expect(registered["token_endpoint_auth_method"] as? String == "none")
        #expect(registered["client_name"] as? String == "Registered SPA")
    }

    @Test("bad metadata is 400 with the RFC 7591 error code, and nothing is registered (§3.2.2)", arguments: [
        (#"{"redirect_uris":["https://a.example.com/cb#x"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["http://a.example.com/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["myapp:/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://a.example.com/cb"],"grant_types":["password"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"magic"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
        ("not json", "invalid_request"),
    ])
    func refused(_ body: String, code: String) async throws {
        let harness = H()
        let response = await harness.server.register(H.registration(body))
        #expect(response.status == 400)
        #expect(response.errorCode == code)
        #expect(response.isNotCacheable)
    }

    @Test("the body must be declared JSON and stay within the input limits")
    func bodyChecks() async throws {
        let harness = H()
        let form = await harness.server.register(H.registration(H.publicClient, headers: ["Content-Type": "application/x-www-form-urlencoded"]))
        #expect(form.status == 400 && form.errorCode == "invalid_request")
        let charset = await harness.server.register(H.registration(H.publicClient, headers: ["Content-Type": "Application/JSON; charset=utf-8"]))
        #expect(charset.status == 201)
        let large = await harness.server.register(H.registration(String(repeating: " ", count: 16 * 1024 + 1)))
        #expect(large.status == 413 && large.errorCode == "invalid_request")
    }

    @Test("only POST (§3.1)", arguments: [OAuthRequest.Method.get, .put, .delete])
    func methodNotAllowed(_ method: OAuthRequest.Method) async {
        var request = H.registration(H.publicClient)
        request.method = method
        let response = await H().server.register(request)
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
    }

    @Test("closed registration: not routed, not advertised; open: advertised (RFC 8414 §2)")
    func closedByDefault() async throws {
        let (closed, _) = TestServer.make()
        #expect(await closed.handle(H.registration(H.publicClient)) == nil)
        #expect(await closed.register(H.registration(H.publicClient)).status == 403)
        #expect(try OAuthResponse(status: 200, body: closed.metadataDocument).jsonObject()["registration_endpoint"] == nil)
        let open = H().server
        #expect(
            try OAuthResponse(status: 200, body: open.metadataDocument).jsonObject()["registration_endpoint"] as? String
                == "https://auth.example.com/register")
    }

    @Test("a store that cannot be written keeps registration closed")
    func readOnlyStore() async {
        struct ReadOnly: ClientStore { func client(_ id: ClientID) async throws -> Client? { nil } }
        var policy = Policy()
        policy.registration = .open
        let server = AuthorizationServer(issuer: TestServer.issuer, policy: policy, clients: ReadOnly())
        #expect(await server.handle(H.registration(H.publicClient)) == nil)
    }

    @Test("a store of metadata-document clients registers into the registry it wraps, and advertises both")
    func registryBehindMetadataDocuments() async throws {
        var policy = Policy()
        policy.registration = .open
        let registry = InMemoryClientStore()
        let clients = MetadataDocumentClients(registered: registry, source: StaticClientMetadataDocuments())
        let server = AuthorizationServer(issuer: TestServer.issuer, policy: policy, clients: clients)
        let response = try #require(await server.handle(H.registration(H.publicClient)))
        #expect(response.status == 201)
        let id = try #require(try response.jsonObject()["client_id"] as? String)
        #expect(try await registry.registration(ClientID(id)) != nil)
        #expect(try await clients.client(ClientID(id)) != nil)
        let metadata = try OAuthResponse(status: 200, body: server.metadataDocument).jsonObject()
        #expect(metadata["registration_endpoint"] as? String == TestServer.issuer + "/register")
        #expect(metadata["client_id_metadata_document_supported"] as? Bool == true)
    }

    @Test(
        "registrationScopes replaces the registered scope, and the response says so (RFC 7591 §3.2.1)",
        arguments: [nil, "public"] as [String?])
    func registrationScopes(registered: String?) async throws {
        let harness = H { $0.registrationScopes = ["public", "profile"] }
        var body = #"{"redirect_uris":["https://registered.example.com/callback"],"token_endpoint_auth_method":"none""#
        if let registered { body += #","scope":""# + registered + #"""# }
        let client = try await harness.register(body + "}")
        #expect(client["scope"] as? String == "profile public")
        let stored = try #require(try await harness.server.clients.client(ClientID(client.clientID)))
        #expect(stored.allowedScopes == ["public", "profile"])
    }

    @Test("an initial access token: missing is a bare Bearer challenge, wrong is invalid_token, right registers (§3)",
        arguments: [(nil as String?, 401, nil as String?), ("wrong", 401, "invalid_token"), ("iat-1", 201, nil), ("iat-2", 201, nil)])
    func initialAccessToken(_ token: String?, status: Int, code: String?) async {
        let harness = H(access: .initialAccessTokens(["iat-1", "iat-2"]))
        var headers: HeaderFields = ["Content-Type": "application/json"]
        if let token { headers.append("Authorization", "Bearer \(token)") }
        let response = await harness.server.register(H.registration(H.publicClient, headers: headers))
        #expect(response.status == status)
        if status == 401 {
            let challenge = response.headers["WWW-Authenticate"] ?? ""
            #expect(challenge.hasPrefix("Bearer"))
            #expect(challenge.contains("invalid_token") == (code != nil))
        }
    }

    @Test("the host's decision sees the metadata and the request")
    func hostDecision() async throws {
        let harness = H(access: .decidedByHost { metadata, request in
            metadata.clientName == "Trusted" && request.headers["X-Tenant"] == "acme" ? .allow : .deny
        })
        let allowed = await harness.server.register(
            H.registration(#"{"grant_types":["client_credentials"],"client_name":"Trusted"}"#, headers: ["Content-Type": "application/json", "X-Tenant": "acme"]))
        #expect(allowed.status == 201)
        let denied = await harness.server.register(
            H.registration(#"{"grant_types":["client_credentials"],"client_name":"Other"}"#, headers: ["Content-Type": "application/json", "X-Tenant": "acme"]))
        #expect(denied.status == 403 && denied.errorCode == "access_denied")
    }

    @Test("two registrations never share an id, nor a secret, nor a token", arguments: [50])
    func concurrentRegistrations(_ count: Int) async throws {
        let harness = H()
        let documents = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<count {
                group.addTask {
                    let response = await harness.server.register(H.registration(H.confidentialClient))
                    let document = (try? response.jsonObject()) ?? [:]
                    return ["client_id", "client_secret", "registration_access_token"].compactMap { document[$0] as? String }
                }
            }
            return await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(documents.allSatisfy { $0.count == 3 })
        #expect(Set(documents.flatMap { $0 }).count == 3 * count)
    }

    @Test("an id taken by a configured client is never handed out: insert refuses it")
    func insertRefusesTakenID() async throws {
        let store = InMemoryClientStore([Client(id: "taken", grantTypes: [.clientCredentials])])
        let metadata = try ClientMetadata(json: Array(#"{"grant_types":["client_credentials"]}"#.utf8), policy: Policy())
        let registration = RegisteredClient(
            client: metadata.client(id: "taken", secretHash: nil), metadata: metadata, issuedAt: TestServer.start,
            accessTokenDigest: Digest256(hashing: "t"))
        #expect(try await store.insert(registration) == false)
        #expect(try await store.registration("taken") == nil)
    }
}
