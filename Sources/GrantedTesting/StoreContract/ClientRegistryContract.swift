import Foundation
import Granted

/// The behaviour every `ClientRegistry` must show (RFC 7591 §3; RFC 7592 §2), written once and
/// run against each: the in-memory default in Granted's tests, PostgreSQL in its package.
///
/// ```swift
/// @Test(arguments: ClientRegistryContract.all.map(\.name))
/// func contract(_ name: String) async throws {
///     try await ClientRegistryContract.run(name) { InMemoryClientStore() }
/// }
/// ```
public enum ClientRegistryContract {
    public typealias MakeRegistry = () async throws -> any ClientRegistry
    public typealias Case = (name: String, run: @Sendable (_ makeRegistry: MakeRegistry) async throws -> Void)

    /// Every case, by name.
    public static let all: [Case] = [
        ("registrationRoundTrip", { try await registrationRoundTrip($0) }),
        ("everyAuthenticationKindRoundTrips", { try await everyAuthenticationKindRoundTrips($0) }),
        ("pinnedAlgorithmAndDPoPRoundTrip", { try await pinnedAlgorithmAndDPoPRoundTrip($0) }),
        ("insertRefusesTakenID", { try await insertRefusesTakenID($0) }),
        ("replaceNeedsCurrentToken", { try await replaceNeedsCurrentToken($0) }),
        ("deleteNeedsCurrentToken", { try await deleteNeedsCurrentToken($0) }),
        ("clientIDsListsEveryClientInByteOrder", { try await clientIDsListsEveryClientInByteOrder($0) }),
        ("configuredClientReplacesRegistration", { try await configuredClientReplacesRegistration($0) }),
        ("concurrentInsertsOneWins", { try await concurrentInsertsOneWins($0) }),
        ("concurrentChangesOneWins", { try await concurrentChangesOneWins($0) }),
    ]

    /// Runs the case called `name`.
    /// - Throws: `ContractFailure` for a violation or an unknown name; the registry's own errors.
    public static func run(_ name: String, _ makeRegistry: MakeRegistry) async throws {
        guard let found = all.first(where: { $0.name == name }) else {
            throw ContractFailure("no contract case is called \(name)")
        }
        try await found.run(makeRegistry)
    }

    // MARK: Fixtures

    static let issuedAt = Date(timeIntervalSince1970: 1_700_000_000)

    /// A registration from `json` metadata, with a secret hash when its method needs one.
    static func registration(
        _ id: String, _ json: String = #"{"redirect_uris":["https://c.example.com/cb"],"scope":"public profile"}"#,
        token: String = "grg_token"
    ) throws -> RegisteredClient {
        let metadata = try ClientMetadata(json: Array(json.utf8), policy: Policy())
        let hash = metadata.needsSecret ? SHA256SecretHasher().hash("secret-of-\(id)") : nil
        return RegisteredClient(
            client: metadata.client(id: ClientID(id), secretHash: hash), metadata: metadata, issuedAt: issuedAt,
            accessTokenDigest: Digest256(hashing: token))
    }

    static let everyMember = #"{"redirect_uris":["https://c.example.com/cb","com.example.app:/cb","http://127.0.0.1/cb"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","implicit","refresh_token","client_credentials"],"response_types":["code","token","code id_token"],"client_name":"Every \"member\"","scope":"openid profile","client_uri":"https://c.example.com","logo_uri":"https://c.example.com/logo.png","tos_uri":"https://c.example.com/tos","policy_uri":"https://c.example.com/policy","contacts":["a@c.example.com","b@c.example.com"],"software_id":"4NRB1-0XZABZI9E6-5SM3R","software_version":"2.1","post_logout_redirect_uris":["https://c.example.com/bye"],"backchannel_logout_uri":"https://c.example.com/bcl","backchannel_logout_session_required":false,"require_pushed_authorization_requests":true}"#

    static let jwk = #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"k1"}"#

    // MARK: Cases

    /// What is inserted reads back whole, through `registration` and as the client.
    static func registrationRoundTrip(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let registration = try registration("rt", everyMember)
        try expect(try await registry.insert(registration), "insert into an empty registry")
        try expectEqual(try await registry.registration("rt"), registration, "the registration read back")
        try expectEqual(try await registry.client("rt"), registration.client, "the client read back")
        try expectEqual(try await registry.registration("other"), nil, "an unknown id")
    }

    /// Each `token_endpoint_auth_method` keeps its kind, secret hash or public keys.
    static func everyAuthenticationKindRoundTrips(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let bodies = [
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[\#(jwk)]}}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://c.example.com/jwks"}"#,
            #"{"redirect_uris":["https://c.example.com/cb"],"token_endpoint_auth_method":"none"}"#,
        ]
        for (index, body) in bodies.enumerated() {
            let registration = try registration("kind-\(index)", body)
            try expect(try await registry.insert(registration), "insert kind \(index)")
            try expectEqual(try await registry.registration(registration.id), registration, "kind \(index) read back")
            try expectEqual(try await registry.client(registration.id), registration.client, "client of kind \(index)")
        }
    }

    /// `token_endpoint_auth_signing_alg` (OpenID Connect Registration 1.0 §2) and
    /// `dpop_bound_access_tokens` (RFC 9449 §5.2) read back on the registration and the client,
    /// registered or configured, set and unset: the token endpoint enforces both from the client.
    static func pinnedAlgorithmAndDPoPRoundTrip(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let bodies = [
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"HS256","dpop_bound_access_tokens":true}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"ES256","jwks":{"keys":[\#(jwk)]}}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"PS256","jwks_uri":"https://c.example.com/jwks","dpop_bound_access_tokens":false}"#,
        ]
        for (index, body) in bodies.enumerated() {
            let registration = try registration("pinned-\(index)", body, token: "grg_pinned\(index)")
            try expect(registration.client.tokenEndpointAuthSigningAlgorithm != nil, "body \(index) pins an algorithm")
            try expect(try await registry.insert(registration), "insert pinned \(index)")
            try expectEqual(try await registry.registration(registration.id), registration, "pinned \(index) read back")
            try expectEqual(try await registry.client(registration.id), registration.client, "client of pinned \(index)")
        }
        var configured = try registration("pinned-configured", bodies[0]).client
        try await registry.register(configured)
        try expectEqual(try await registry.client("pinned-configured"), configured, "a configured client with both")
        configured.tokenEndpointAuthSigningAlgorithm = nil
        configured.requiresDPoP = false
        try await registry.register(configured)
        try expectEqual(try await registry.client("pinned-configured"), configured, "both cleared")
        configured.requiresDPoP = true
        try await registry.register(configured)
        try expectEqual(try await registry.client("pinned-configured"), configured, "DPoP alone")
    }

    /// An id is handed out once: a second insert changes nothing.
    static func insertRefusesTakenID(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let first = try registration("same", token: "grg_first")
        let second = try registration("same", #"{"grant_types":["client_credentials"]}"#, token: "grg_second")
        try expect(try await registry.insert(first), "first insert")
        try expect(!(try await registry.insert(second)), "second insert under the same id")
        try expectEqual(try await registry.registration("same"), first, "the first registration stays")
    }

    /// A replace with another token's digest, or of an unknown id, changes nothing; with the
    /// current one it changes the registration and the client together.
    static func replaceNeedsCurrentToken(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let original = try registration("r", token: "grg_1")
        try expect(try await registry.insert(original), "insert")
        let replacement = try registration("r", #"{"grant_types":["client_credentials"]}"#, token: "grg_2")
        try expect(!(try await registry.replace(replacement, expecting: Digest256(hashing: "grg_x"))), "a wrong digest")
        try expectEqual(try await registry.registration("r"), original, "unchanged after a wrong digest")
        try expect(try await registry.replace(replacement, expecting: Digest256(hashing: "grg_1")), "the current digest")
        try expectEqual(try await registry.registration("r"), replacement, "replaced")
        try expectEqual(try await registry.client("r"), replacement.client, "the client replaced too")
        try expect(!(try await registry.replace(replacement, expecting: Digest256(hashing: "grg_1"))), "the old digest")
        let stranger = try registration("nobody")
        try expect(!(try await registry.replace(stranger, expecting: stranger.accessTokenDigest)), "an unknown id")
        try expectEqual(try await registry.client("nobody"), nil, "a replace never inserts")
    }

    /// A delete with another digest changes nothing; with the current one the client is gone.
    static func deleteNeedsCurrentToken(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let registration = try registration("d", token: "grg_d")
        try expect(try await registry.insert(registration), "insert")
        try expect(!(try await registry.delete("d", expecting: Digest256(hashing: "grg_x"))), "a wrong digest")
        try expectEqual(try await registry.client("d"), registration.client, "still there")
        try expect(try await registry.delete("d", expecting: Digest256(hashing: "grg_d")), "the current digest")
        try expectEqual(try await registry.client("d"), nil, "the client is gone")
        try expectEqual(try await registry.registration("d"), nil, "the registration is gone")
        try expect(!(try await registry.delete("d", expecting: Digest256(hashing: "grg_d"))), "deleted once")
        try expect(try await registry.insert(registration), "the id may be registered again")
    }

    /// `clientIDs()` lists every client once, ordered by the ids' UTF-8 bytes (so "B" before "a"
    /// before "é", whatever a database's own collation would say), and forgets a deleted one.
    static func clientIDsListsEveryClientInByteOrder(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let before = try await registry.clientIDs()
        let names = ["b", "é", "a", "B", "a-1", "a1", "Z9"]
        for name in names {
            try expect(try await registry.insert(try registration(name, token: "grg_\(name)")), "insert \(name)")
        }
        let byBytes: (ClientID, ClientID) -> Bool = { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
        let expected = (before + names.map { ClientID($0) }).sorted(by: byBytes)
        try expectEqual(try await registry.clientIDs(), expected, "every client, in byte order")
        try expect(try await registry.delete("a-1", expecting: Digest256(hashing: "grg_a-1")), "delete a-1")
        try expectEqual(
            try await registry.clientIDs(), expected.filter { $0 != "a-1" }, "the deleted client is no longer listed")
    }

    /// `register` writes a configured client: it reads back with no registration, a second
    /// `register` replaces it, and over a registered id it drops the registration, so the old
    /// registration access token no longer changes anything.
    static func configuredClientReplacesRegistration(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let configured = try registration("cfg", everyMember).client
        try await registry.register(configured)
        try expectEqual(try await registry.client("cfg"), configured, "the configured client read back")
        try expectEqual(try await registry.registration("cfg"), nil, "a configured client has no registration")
        var renamed = configured
        renamed.name = "Renamed"
        try await registry.register(renamed)
        try expectEqual(try await registry.client("cfg"), renamed, "register replaces")
        try expect(!(try await registry.insert(try registration("cfg"))), "insert refuses a configured client's id")

        let registered = try registration("reg", token: "grg_reg")
        try expect(try await registry.insert(registered), "insert")
        var configuredOver = registered.client
        configuredOver.name = "Configured now"
        try await registry.register(configuredOver)
        try expectEqual(try await registry.client("reg"), configuredOver, "the configured client replaced it")
        try expectEqual(try await registry.registration("reg"), nil, "its registration is gone")
        try expect(
            !(try await registry.delete("reg", expecting: Digest256(hashing: "grg_reg"))),
            "the old registration access token deletes nothing")
    }

    /// Many inserts under one id at once: exactly one succeeds.
    static func concurrentInsertsOneWins(_ make: MakeRegistry) async throws {
        let registry = try await make()
        let candidates = try (0..<8).map { try registration("race", token: "grg_\($0)") }
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for candidate in candidates { group.addTask { try await registry.insert(candidate) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expectEqual(wins, 1, "inserts that succeeded")
        let found = try await registry.registration("race")
        let stored = try require(found, "the winner is stored")
        try expect(candidates.contains(stored), "the stored registration is one of the candidates")
    }

    /// Replaces and a delete expecting the same digest at once: exactly one succeeds.
    static func concurrentChangesOneWins(_ make: MakeRegistry) async throws {
        let registry = try await make()
        try expect(try await registry.insert(try registration("c", token: "grg_c")), "insert")
        let expected = Digest256(hashing: "grg_c")
        let replacements = try (0..<6).map { try registration("c", token: "grg_next\($0)") }
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for replacement in replacements {
                group.addTask { try await registry.replace(replacement, expecting: expected) }
            }
            group.addTask { try await registry.delete("c", expecting: expected) }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expectEqual(wins, 1, "changes that succeeded")
    }
}
