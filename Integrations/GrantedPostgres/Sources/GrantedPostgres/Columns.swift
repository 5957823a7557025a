import Foundation
import Granted
import PostgresNIO

/// Reads one record's columns out of a row by name, with an optional prefix for the columns a
/// join renamed (`f_id` for the family's `id`).
struct RowReader {
    let row: PostgresRandomAccessRow
    let table: String
    var prefix = ""

    func callAsFunction<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row[prefix + column].decode(T.self)
    }

    /// Whether the joined record is there at all (its key is not NULL).
    func isPresent(key column: String) -> Bool { row[prefix + column].bytes != nil }

    func digest(_ column: String) throws -> Digest256 {
        guard let digest = try optionalDigest(column) else { throw corrupt(column) }
        return digest
    }

    func optionalDigest(_ column: String) throws -> Digest256? {
        guard let buffer = try self(column, as: ByteBuffer?.self) else { return nil }
        guard let digest = Digest256(bytes: buffer.readableBytesView) else { throw corrupt(column) }
        return digest
    }

    func scopes(_ column: String) throws -> ScopeSet {
        let text = try self(column, as: String.self)
        if text.isEmpty { return .empty }
        do { return try ScopeSet.parse(text) } catch { throw corrupt(column) }
    }

    /// A `text[]` of resource identifiers (RFC 8707 §2); one that is not an absolute URI without
    /// a fragment is a corrupt row.
    func audience(_ column: String) throws -> Audience {
        var audience: Audience = []
        for text in try self(column, as: [String].self) {
            guard let identifier = ResourceIdentifier(rawValue: text) else { throw corrupt(column) }
            audience.insert(identifier)
        }
        return audience
    }

    /// The state column against the one date that goes with it: `active`, or `revoked` at a time.
    func revocable(state column: String, at dateColumn: String) throws -> Date? {
        switch try self(column, as: String.self) {
        case "active": return nil
        case "revoked":
            guard let at = try self(dateColumn, as: Date?.self) else { throw corrupt(dateColumn) }
            return at
        default: throw corrupt(column)
        }
    }

    func corrupt(_ column: String) -> PostgresStoreError {
        .corruptRow(table: table, column: prefix + column)
    }
}

extension PostgresBindings {
    mutating func append(digest: Digest256) {
        append(digest.withUnsafeBytes { ByteBuffer(bytes: $0) })
    }

    mutating func append(digest: Digest256?) {
        if let digest { append(digest: digest) } else { append(ByteBuffer?.none) }
    }

    mutating func append(scopes: ScopeSet) { append(scopes.description) }

    /// Sorted, so equal sets are equal arrays (and rows compare and diff cleanly).
    mutating func append(audience: Audience) { append(audience.map(\.rawValue).sorted()) }

    /// `state` and the date it carries, for the records that are active or revoked.
    mutating func append(revokedAt: Date?) {
        append(revokedAt == nil ? "active" : "revoked")
        append(revokedAt)
    }
}

/// `SELECT a, b, c` lists and `$n` placeholders built from one array of column names, so that
/// statements and decoders name the same columns.
enum SQL {
    static func list(_ columns: [String], table alias: String? = nil, prefix: String? = nil) -> String {
        columns.map { column in
            let qualified = alias.map { "\($0).\(column)" } ?? column
            return prefix.map { "\(qualified) AS \($0)\(column)" } ?? qualified
        }.joined(separator: ", ")
    }

    static func placeholders(_ count: Int, from first: Int = 1) -> String {
        (first..<(first + count)).map { "$\($0)" }.joined(separator: ", ")
    }

    /// `a = $2, b = $3, …`: every column but the key, which is `$1`.
    static func assignments(_ columns: [String]) -> String {
        columns.enumerated().map { "\($1) = $\($0 + 2)" }.joined(separator: ", ")
    }
}
