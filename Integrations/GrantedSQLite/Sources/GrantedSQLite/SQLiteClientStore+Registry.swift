import Foundation
import GRDB
import Granted

/// Dynamic registrations (RFC 7591 §3; RFC 7592 §2) in `client_registrations`, beside the client
/// row the other endpoints read. Each change is one immediate transaction that checks the
/// expected registration access token digest before it writes, so of concurrent changes the
/// first wins and the others find the digest changed.
extension SQLiteClientStore: ClientRegistry {
    public func insert(_ registration: RegisteredClient) async throws -> Bool {
        let client = Self.binds(registration.client)
        let row = Self.registrationBinds(registration)
        return try await database.write { db in
            try db.run(Self.insertClient + " ON CONFLICT DO NOTHING", arguments: client.arguments)
            guard db.changesCount == 1 else { return false }
            try db.run(
                """
                    INSERT INTO \(Self.registrations) (client_id, metadata, issued_at, access_token_digest)
                    VALUES (?1, ?2, ?3, ?4)
                    """,
                arguments: row.arguments)
            return true
        }
    }

    /// Ordered by SQLite's BINARY collation: the UTF-8 bytes, as the protocol asks.
    public func clientIDs() async throws -> [ClientID] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT client_id FROM \(Self.table) ORDER BY client_id").map { ClientID($0) }
        }
    }

    public func registration(_ id: ClientID) async throws -> RegisteredClient? {
        let key = SQLiteGrantStore.key { $0.append(text: id.rawValue) }
        return try await database.readRow(Self.registrationByID, .binds(key)) { row in try Self.registration(id, row) }
    }

    private static func registration(_ id: ClientID, _ row: StatementRow) throws -> RegisteredClient {
        let read = RowReader(row: row, table: Self.registrations)
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata(registered: Array(try read.text("metadata").utf8))
        } catch {
            throw read.corrupt("metadata")
        }
        return RegisteredClient(
            client: try Self.decodeClient(id, RowReader(row: row, table: Self.table)), metadata: metadata,
            issuedAt: try read.date("issued_at"), accessTokenDigest: try read.digest("access_token_digest"))
    }

    public func replace(_ registration: RegisteredClient, expecting: Digest256) async throws -> Bool {
        var expected = Self.registrationBinds(registration)
        expected.append(digest: expecting)
        let row = expected
        let client = Self.binds(registration.client)
        return try await database.write { db in
            try db.run(
                """
                    UPDATE \(Self.registrations) SET metadata = ?2, issued_at = ?3, access_token_digest = ?4
                    WHERE client_id = ?1 AND access_token_digest = ?5
                    """,
                arguments: row.arguments)
            guard db.changesCount == 1 else { return false }
            try db.run(
                "UPDATE \(Self.table) SET \(SQL.assignments(Self.columns)) WHERE client_id = ?1",
                arguments: client.arguments)
            return true
        }
    }

    public func delete(_ id: ClientID, expecting: Digest256) async throws -> Bool {
        let key = SQLiteGrantStore.key {
            $0.append(text: id.rawValue)
            $0.append(digest: expecting)
        }
        return try await database.write { db in
            try db.run(
                "DELETE FROM \(Self.registrations) WHERE client_id = ?1 AND access_token_digest = ?2",
                arguments: key.arguments)
            guard db.changesCount == 1 else { return false }
            try db.run("DELETE FROM \(Self.table) WHERE client_id = ?1", arguments: [id.rawValue])
            return true
        }
    }

    /// `?1` id, `?2` metadata, `?3` issued at, `?4` token digest.
    static func registrationBinds(_ registration: RegisteredClient) -> Binds {
        var binds = Binds()
        binds.append(text: registration.id.rawValue)
        binds.append(text: String(decoding: registration.metadata.json, as: UTF8.self))
        binds.append(date: registration.issuedAt)
        binds.append(digest: registration.accessTokenDigest)
        return binds
    }
}
