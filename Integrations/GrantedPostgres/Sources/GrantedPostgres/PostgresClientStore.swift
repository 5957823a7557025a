import Foundation
import Granted
import Logging
import PostgresNIO

/// Registered clients in PostgreSQL (`clients`), so every process sees the same registrations.
/// Secrets only as `SecretHash` text (`scheme$base64url`).
///
/// Lookups are cached in memory for `cacheLifetime` (see `ClientCache`): this store's own writes
/// take effect at once; another process's writes (another host, the `granted` CLI) within
/// `cacheLifetime`. Copies of a store share its cache.
public struct PostgresClientStore: ClientStore {
    public let client: PostgresClient
    public let schema: PostgresSchema
    /// How long one lookup may wait (see `PostgresGrantStore.timeout`); nil waits as long as the pool.
    public let timeout: Duration?
    let logger: Logger
    let table: String
    let cache: ClientCache?
    /// Whether the pool's connections have `search_path` set to `schema` (`PostgresStorage(url:)`),
    /// so that the lookup runs as a prepared statement.
    let prepared: Bool

    /// - Parameter cacheLifetime: how long a client read from the database is used without
    ///   reading it again, hence how long another process's change to it may go unseen here; nil
    ///   reads the database on every lookup.
    public init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration? = .seconds(10),
        cacheLifetime: Duration? = .seconds(2), logger: Logger = Logger(label: "granted.postgres")
    ) {
        self.init(
            client: client, schema: schema, timeout: timeout, cacheLifetime: cacheLifetime, logger: logger,
            prepared: false)
    }

    init(
        client: PostgresClient, schema: PostgresSchema, timeout: Duration?, cacheLifetime: Duration?, logger: Logger,
        prepared: Bool
    ) {
        self.client = client
        self.schema = schema
        self.timeout = timeout
        self.logger = logger
        self.prepared = prepared
        table = schema.table("clients")
        cache = cacheLifetime.flatMap { $0 > .zero ? ClientCache(lifetime: $0) : nil }
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let (client, logger) = (client, logger)
        return try await withTimeout(timeout) { try await client.query(query, logger: logger).collect() }
    }

    static let columns = [
        "name", "secret_hash", "redirect_uris", "grant_types", "allowed_scopes", "authentication_methods",
        "requires_pkce", "jwks", "jwks_uri", "requires_pushed_authorization_requests", "post_logout_redirect_uris",
        "backchannel_logout_uri", "backchannel_logout_session_required", "token_endpoint_auth_signing_alg",
        "dpop_bound_access_tokens",
    ]

    /// From the cache while fresh, else one indexed read (a prepared statement on
    /// `PostgresStorage`'s connections).
    public func client(_ id: ClientID) async throws -> Client? {
        let cached = cache?.lookup(id)
        if let found = cached?.client { return found }
        let binds = PostgresGrantStore.binds { $0.append(id.rawValue) }
        let found: [PostgresRow]
        if prepared {
            let (client, logger) = (client, logger)
            found = try await withTimeout(timeout) {
                try await client.execute(ClientByID(bindings: binds), logger: logger).collectRows()
            }
        } else {
            found = try await rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(SQL.list(Self.columns)) FROM \(table) WHERE client_id = $1", binds: binds))
        }
        guard let row = found.first else { return nil }
        let registered = try decodeClient(id, RowReader(row: row.makeRandomAccess(), table: table))
        if let cached { cache?.store(registered, generation: cached.generation) }
        return registered
    }

    /// Forgets cached clients after this store changed `id` (every client when nil).
    func changed(_ id: ClientID?) { cache?.invalidate(id) }

    func decodeClient(_ id: ClientID, _ read: RowReader) throws -> Client {
        var secretHash: SecretHash?
        if let text = try read("secret_hash", as: String?.self) {
            guard let hash = SecretHash(encoded: text) else { throw read.corrupt("secret_hash") }
            secretHash = hash
        }
        let scopes = try read("allowed_scopes", as: String?.self)
        let methods = Set(
            try read("authentication_methods", as: [String].self).map(ClientAuthenticationMethod.init(rawValue:)))
        let authentication: Client.Authentication
        if methods.contains(.privateKeyJWT) {
            if let jwks = try read("jwks", as: String?.self) {
                guard let keys = try? JWKSet(json: Array(jwks.utf8)) else { throw read.corrupt("jwks") }
                authentication = .privateKeyJWT(.jwks(keys))
            } else if let uri = try read("jwks_uri", as: String?.self) {
                authentication = .privateKeyJWT(.jwksURI(uri))
            } else {
                throw read.corrupt("jwks")
            }
        } else if let secretHash, !methods.contains(.none) {
            var secretMethods: Client.SecretMethods = []
            if methods.contains(.clientSecretBasic) { secretMethods.insert(.basic) }
            if methods.contains(.clientSecretPost) { secretMethods.insert(.post) }
            if methods.contains(.clientSecretJWT) { secretMethods.insert(.jwt) }
            guard !secretMethods.isEmpty else { throw read.corrupt("authentication_methods") }
            authentication = .clientSecret(secretHash, methods: secretMethods)
        } else {
            authentication = .none
        }
        return Client(
            id: id, name: try read("name"), authentication: authentication, redirectURIs: try read("redirect_uris"),
            grantTypes: Set(try read("grant_types", as: [String].self).map(GrantType.init(rawValue:))),
            allowedScopes: scopes == nil ? nil : try read.scopes("allowed_scopes"),
            requiresPKCE: try read("requires_pkce"),
            requiresPushedAuthorizationRequests: try read("requires_pushed_authorization_requests"),
            postLogoutRedirectURIs: try read("post_logout_redirect_uris"),
            backchannelLogoutURI: try read("backchannel_logout_uri"),
            backchannelLogoutSessionRequired: try read("backchannel_logout_session_required"),
            tokenEndpointAuthSigningAlgorithm: try read("token_endpoint_auth_signing_alg", as: String?.self)
                .map(JWSAlgorithm.init(rawValue:)),
            requiresDPoP: try read("dpop_bound_access_tokens"))
    }

    /// The client's columns, after its id, in `columns` order.
    static func bindColumns(of registered: Client, to binds: inout PostgresBindings) {
        binds.append(registered.name)
        if case .clientSecret(let hash, _) = registered.authentication {
            binds.append(hash.description)
        } else {
            binds.append(String?.none)
        }
        binds.append(registered.redirectURIs)
        binds.append(registered.grantTypes.map(\.rawValue).sorted())
        binds.append(registered.allowedScopes?.description)
        binds.append(registered.authenticationMethods.map(\.rawValue).sorted())
        binds.append(registered.registeredRequiresPKCE)
        switch registered.authentication {
        case .privateKeyJWT(.jwks(let keys)):
            binds.append(String(decoding: keys.json, as: UTF8.self))
            binds.append(String?.none)
        case .privateKeyJWT(.jwksURI(let uri)):
            binds.append(String?.none)
            binds.append(uri)
        case .none, .clientSecret:
            binds.append(String?.none)
            binds.append(String?.none)
        }
        binds.append(registered.requiresPushedAuthorizationRequests)
        binds.append(registered.postLogoutRedirectURIs)
        binds.append(registered.backchannelLogoutURI)
        binds.append(registered.backchannelLogoutSessionRequired)
        binds.append(registered.tokenEndpointAuthSigningAlgorithm?.rawValue)
        binds.append(registered.requiresDPoP)
    }

    /// Adds the client, or replaces the one registered under its id; a configured client has no
    /// dynamic registration (RFC 7591), so one under that id is dropped, as in memory.
    public func register(_ registered: Client) async throws {
        let query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table) (client_id, \(SQL.list(Self.columns))) VALUES (\(SQL.placeholders(Self.columns.count + 1)))
                ON CONFLICT (client_id) DO UPDATE SET \(
                    Self.columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
                """,
            binds: PostgresGrantStore.binds { binds in
                binds.append(registered.id.rawValue)
                Self.bindColumns(of: registered, to: &binds)
            })
        let dropRegistration = PostgresQuery(
            unsafeSQL: "DELETE FROM \(registrations) WHERE client_id = $1",
            binds: PostgresGrantStore.binds { $0.append(registered.id.rawValue) })
        let (client, logger) = (client, logger)
        defer { changed(registered.id) }
        try await withTimeout(timeout) {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(query, logger: logger)
                try await connection.query(dropRegistration, logger: logger)
            }
        }
    }

    /// Removes the client; its grants stay until they expire or are revoked.
    public func remove(_ id: ClientID) async throws {
        defer { changed(id) }
        _ = try await rows("DELETE FROM \(unescaped: table) WHERE client_id = \(id.rawValue)")
    }
}
