import Foundation
import Granted
import PostgresNIO

/// Dynamic registrations (RFC 7591 §3; RFC 7592 §2) in `client_registrations`, beside the client
/// row the other endpoints read. Each change is one transaction; a replace or delete first
/// updates the registration row under the expected token digest, so concurrent changes queue on
/// its lock and all but the first find the digest changed.
extension PostgresClientStore: ClientRegistry {
    var registrations: String { schema.table("client_registrations") }

    public func insert(_ registration: RegisteredClient) async throws -> Bool {
        let (client, logger, table, registrations) = (client, logger, table, registrations)
        let insertClient = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table) (client_id, \(SQL.list(Self.columns)))
                VALUES (\(SQL.placeholders(Self.columns.count + 1)))
                ON CONFLICT (client_id) DO NOTHING RETURNING client_id
                """,
            binds: PostgresGrantStore.binds { binds in
                binds.append(registration.id.rawValue)
                Self.bindColumns(of: registration.client, to: &binds)
            })
        let insertRegistration = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(registrations) (client_id, metadata, issued_at, access_token_digest)
                VALUES ($1, $2, $3, $4)
                """,
            binds: Self.registrationBinds(registration))
        defer { changed(registration.id) }
        return try await withTimeout(timeout) {
            try await client.transaction(logger: logger) { connection in
                let inserted = try await connection.query(insertClient, logger: logger).collect()
                guard !inserted.isEmpty else { return false }
                try await connection.query(insertRegistration, logger: logger)
                return true
            }
        }
    }

    /// Ordered under the "C" collation, the UTF-8 bytes, whatever the database's own collation.
    public func clientIDs() async throws -> [ClientID] {
        let (client, logger, table) = (client, logger, table)
        return try await withTimeout(timeout) {
            var ids: [ClientID] = []
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT client_id FROM \(table) ORDER BY client_id COLLATE \"C\""),
                logger: logger)
            for try await id in rows.decode(String.self) { ids.append(ClientID(id)) }
            return ids
        }
    }

    public func registration(_ id: ClientID) async throws -> RegisteredClient? {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(SQL.list(Self.columns, table: "c")), r.metadata, r.issued_at, r.access_token_digest
                FROM \(registrations) r JOIN \(table) c ON c.client_id = r.client_id WHERE r.client_id = $1
                """,
            binds: PostgresGrantStore.binds { $0.append(id.rawValue) })
        guard let row = try await rows(query).first else { return nil }
        let read = RowReader(row: row.makeRandomAccess(), table: registrations)
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata(registered: Array(try read("metadata", as: String.self).utf8))
        } catch {
            throw read.corrupt("metadata")
        }
        return RegisteredClient(
            client: try decodeClient(id, RowReader(row: row.makeRandomAccess(), table: table)), metadata: metadata,
            issuedAt: try read("issued_at"), accessTokenDigest: try read.digest("access_token_digest"))
    }

    public func replace(_ registration: RegisteredClient, expecting: Digest256) async throws -> Bool {
        let (client, logger, table, registrations) = (client, logger, table, registrations)
        var binds = Self.registrationBinds(registration)
        binds.append(digest: expecting)
        let updateRegistration = PostgresQuery(
            unsafeSQL: """
                UPDATE \(registrations) SET metadata = $2, issued_at = $3, access_token_digest = $4
                WHERE client_id = $1 AND access_token_digest = $5 RETURNING client_id
                """,
            binds: binds)
        let updateClient = PostgresQuery(
            unsafeSQL: "UPDATE \(table) SET \(SQL.assignments(Self.columns)) WHERE client_id = $1",
            binds: PostgresGrantStore.binds { binds in
                binds.append(registration.id.rawValue)
                Self.bindColumns(of: registration.client, to: &binds)
            })
        defer { changed(registration.id) }
        return try await withTimeout(timeout) {
            try await client.transaction(logger: logger) { connection in
                let updated = try await connection.query(updateRegistration, logger: logger).collect()
                guard !updated.isEmpty else { return false }
                try await connection.query(updateClient, logger: logger)
                return true
            }
        }
    }

    public func delete(_ id: ClientID, expecting: Digest256) async throws -> Bool {
        let (client, logger, table, registrations) = (client, logger, table, registrations)
        let deleteRegistration = PostgresQuery(
            unsafeSQL: """
                DELETE FROM \(registrations) WHERE client_id = $1 AND access_token_digest = $2 RETURNING client_id
                """,
            binds: PostgresGrantStore.binds { binds in
                binds.append(id.rawValue)
                binds.append(digest: expecting)
            })
        let deleteClient = PostgresQuery(
            unsafeSQL: "DELETE FROM \(table) WHERE client_id = $1",
            binds: PostgresGrantStore.binds { $0.append(id.rawValue) })
        defer { changed(id) }
        return try await withTimeout(timeout) {
            try await client.transaction(logger: logger) { connection in
                let deleted = try await connection.query(deleteRegistration, logger: logger).collect()
                guard !deleted.isEmpty else { return false }
                try await connection.query(deleteClient, logger: logger)
                return true
            }
        }
    }

    /// `$1` id, `$2` metadata, `$3` issued at, `$4` token digest.
    static func registrationBinds(_ registration: RegisteredClient) -> PostgresBindings {
        PostgresGrantStore.binds { binds in
            binds.append(registration.id.rawValue)
            binds.append(String(decoding: registration.metadata.json, as: UTF8.self))
            binds.append(registration.issuedAt)
            binds.append(digest: registration.accessTokenDigest)
        }
    }
}
