import Foundation
import GRDB
import Granted

/// Registered clients in the SQLite file (`clients`), so every process on it sees the same
/// registrations. Secrets only as `SecretHash` text (`scheme$base64url`).
public struct SQLiteClientStore: ClientStore {
    public let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    static let table = "clients"
    static let registrations = "client_registrations"

    static let columns = [
        "name", "secret_hash", "redirect_uris", "grant_types", "allowed_scopes", "authentication_methods",
        "requires_pkce", "jwks", "jwks_uri", "requires_pushed_authorization_requests", "post_logout_redirect_uris",
        "backchannel_logout_uri", "backchannel_logout_session_required", "token_endpoint_auth_signing_alg",
        "dpop_bound_access_tokens",
    ]

    static let clientByID = Select(columns, "FROM \(table) WHERE client_id = ?1")
    static let registrationByID = Select(
        [(columns, "c", ""), (["metadata", "issued_at", "access_token_digest"], "r", "")],
        "FROM \(registrations) r JOIN \(table) c ON c.client_id = r.client_id WHERE r.client_id = ?1")

    public func client(_ id: ClientID) async throws -> Client? {
        let key = SQLiteGrantStore.key { $0.append(text: id.rawValue) }
        return try await database.readRow(Self.clientByID, .binds(key)) {
            try Self.decodeClient(id, RowReader(row: $0, table: Self.table))
        }
    }

    static func decodeClient(_ id: ClientID, _ read: RowReader) throws -> Client {
        var secretHash: SecretHash?
        if let text = try read.optionalText("secret_hash") {
            guard let hash = SecretHash(encoded: text) else { throw read.corrupt("secret_hash") }
            secretHash = hash
        }
        let scopes = try read.optionalText("allowed_scopes")
        let methods = Set(try read.strings("authentication_methods").map(ClientAuthenticationMethod.init(rawValue:)))
        let authentication: Client.Authentication
        if methods.contains(.privateKeyJWT) {
            if let jwks = try read.optionalText("jwks") {
                guard let keys = try? JWKSet(json: Array(jwks.utf8)) else { throw read.corrupt("jwks") }
                authentication = .privateKeyJWT(.jwks(keys))
            } else if let uri = try read.optionalText("jwks_uri") {
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
            id: id, name: try read.text("name"), authentication: authentication,
            redirectURIs: try read.strings("redirect_uris"),
            grantTypes: Set(try read.strings("grant_types").map(GrantType.init(rawValue:))),
            allowedScopes: scopes == nil ? nil : try read.scopes("allowed_scopes"),
            requiresPKCE: try read.bool("requires_pkce"),
            requiresPushedAuthorizationRequests: try read.bool("requires_pushed_authorization_requests"),
            postLogoutRedirectURIs: try read.strings("post_logout_redirect_uris"),
            backchannelLogoutURI: try read.optionalText("backchannel_logout_uri"),
            backchannelLogoutSessionRequired: try read.bool("backchannel_logout_session_required"),
            tokenEndpointAuthSigningAlgorithm: try read.optionalText("token_endpoint_auth_signing_alg")
                .map(JWSAlgorithm.init(rawValue:)),
            requiresDPoP: try read.bool("dpop_bound_access_tokens"))
    }

    /// The client's id, then its columns in `columns` order.
    static func binds(_ registered: Client) -> Binds {
        var binds = Binds()
        binds.append(text: registered.id.rawValue)
        binds.append(text: registered.name)
        if case .clientSecret(let hash, _) = registered.authentication {
            binds.append(text: hash.description)
        } else {
            binds.append(text: nil)
        }
        // Redirect URIs keep their order (the first is the default); the sets are sorted.
        binds.append(orderedStrings: registered.redirectURIs)
        binds.append(strings: registered.grantTypes.map(\.rawValue))
        binds.append(text: registered.allowedScopes?.description)
        binds.append(strings: registered.authenticationMethods.map(\.rawValue))
        binds.append(bool: registered.registeredRequiresPKCE)
        switch registered.authentication {
        case .privateKeyJWT(.jwks(let keys)):
            binds.append(text: String(decoding: keys.json, as: UTF8.self))
            binds.append(text: nil)
        case .privateKeyJWT(.jwksURI(let uri)):
            binds.append(text: nil)
            binds.append(text: uri)
        case .none, .clientSecret:
            binds.append(text: nil)
            binds.append(text: nil)
        }
        binds.append(bool: registered.requiresPushedAuthorizationRequests)
        binds.append(orderedStrings: registered.postLogoutRedirectURIs)
        binds.append(text: registered.backchannelLogoutURI)
        binds.append(bool: registered.backchannelLogoutSessionRequired)
        binds.append(text: registered.tokenEndpointAuthSigningAlgorithm?.rawValue)
        binds.append(bool: registered.requiresDPoP)
        return binds
    }

    static let insertClient = """
        INSERT INTO \(table) (client_id, \(SQL.list(columns))) VALUES (\(SQL.placeholders(columns.count + 1)))
        """

    /// Adds the client, or replaces the one registered under its id; a configured client has no
    /// dynamic registration (RFC 7591), so one under that id is dropped, as in memory.
    public func register(_ registered: Client) async throws {
        let binds = Self.binds(registered)
        let upsert = Self.insertClient + " ON CONFLICT (client_id) DO UPDATE SET "
            + Self.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await database.write { db in
            try db.run(upsert, binds: binds)
            try db.run("DELETE FROM \(Self.registrations) WHERE client_id = ?1", arguments: [registered.id.rawValue])
        }
    }

    /// Removes the client (and its registration); its grants stay until they expire or are revoked.
    public func remove(_ id: ClientID) async throws {
        try await database.write { db in
            try db.run("DELETE FROM \(Self.table) WHERE client_id = ?1", arguments: [id.rawValue])
        }
    }
}
