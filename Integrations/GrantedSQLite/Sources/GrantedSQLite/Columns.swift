import Foundation
import GRDB
import GRDBSQLite
import Granted

/// Reads one record's columns by name out of the row a statement is on, with an optional prefix
/// for the columns a join renamed (`f_id` for the family's `id`). Names resolve to indices
/// through the statement's `ColumnLayout`, built once with its SQL; values come straight from
/// SQLite's `sqlite3_column_*` where the step left them, without copying the row. Every read
/// checks the value's type and throws `SQLiteStoreError.corruptRow` instead of trapping,
/// whatever another program wrote to the file.
struct RowReader {
    let row: StatementRow
    let table: String
    let prefix: String
    /// Where the record's columns start in the row: a positional `Column` counts from here.
    private let base: Int32?

    init(row: StatementRow, table: String, prefix: String = "") {
        self.row = row
        self.table = table
        self.prefix = prefix
        base = row.layout.base(prefix: prefix)
    }

    private func index(_ column: Column) -> Int32? {
        if let position = column.position, let base { return base + position }
        return row.layout.index(of: column.name, prefix: prefix)
    }

    /// SQLite's storage class of the column (`SQLITE_NULL` for a column the statement lacks).
    private func type(_ column: Column) -> (index: Int32, type: Int32) {
        guard let index = index(column) else { return (0, SQLITE_NULL) }
        return (index, sqlite3_column_type(row.statement, index))
    }

    /// A TEXT or BLOB column's bytes, valid until the statement moves.
    private func bytes(at index: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(row.statement, index))
        guard count > 0, let start = sqlite3_column_blob(row.statement, index) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: start, count: count)
    }

    /// Whether the joined record is there at all (its key is not NULL).
    func isPresent(key column: Column) -> Bool { type(column).type != SQLITE_NULL }

    func text(_ column: Column) throws -> String {
        guard let text = try optionalText(column) else { throw corrupt(column.name) }
        return text
    }

    func optionalText(_ column: Column) throws -> String? {
        let (index, type) = type(column)
        if type == SQLITE_NULL { return nil }
        guard type == SQLITE_TEXT else { throw corrupt(column.name) }
        let count = Int(sqlite3_column_bytes(row.statement, index))
        guard count > 0, let start = sqlite3_column_text(row.statement, index) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    func integer(_ column: Column) throws -> Int {
        let (index, type) = type(column)
        guard type == SQLITE_INTEGER, let integer = Int(exactly: sqlite3_column_int64(row.statement, index)) else {
            throw corrupt(column.name)
        }
        return integer
    }

    func optionalBool(_ column: Column) throws -> Bool? {
        if type(column).type == SQLITE_NULL { return nil }
        switch try integer(column) {
        case 0: return false
        case 1: return true
        default: throw corrupt(column.name)
        }
    }

    func bool(_ column: Column) throws -> Bool {
        guard let bool = try optionalBool(column) else { throw corrupt(column.name) }
        return bool
    }

    func double(_ column: Column) throws -> Double {
        let (index, type) = type(column)
        switch type {
        case SQLITE_FLOAT: return sqlite3_column_double(row.statement, index)
        case SQLITE_INTEGER: return Double(sqlite3_column_int64(row.statement, index))
        default: throw corrupt(column.name)
        }
    }

    /// A date column: seconds since 1970 as REAL (see `Binds.append(date:)`).
    func date(_ column: Column) throws -> Date {
        guard let date = try optionalDate(column) else { throw corrupt(column.name) }
        return date
    }

    func optionalDate(_ column: Column) throws -> Date? {
        if type(column).type == SQLITE_NULL { return nil }
        let seconds = try double(column)
        guard seconds.isFinite else { throw corrupt(column.name) }
        return Self.date(unixSeconds: seconds)
    }

    /// To the microsecond, as PostgreSQL keeps them: a date reads back as the value written
    /// whatever rounding the conversion to seconds since 1970 did.
    static func date(unixSeconds: Double) -> Date {
        Date(timeIntervalSince1970: (unixSeconds * 1_000_000).rounded() / 1_000_000)
    }

    func uuid(_ column: Column) throws -> UUID {
        guard let uuid = try optionalUUID(column) else { throw corrupt(column.name) }
        return uuid
    }

    func optionalUUID(_ column: Column) throws -> UUID? {
        let (index, type) = type(column)
        if type == SQLITE_NULL { return nil }
        let bytes = bytes(at: index)
        guard type == SQLITE_BLOB, bytes.count == 16 else { throw corrupt(column.name) }
        return UUID(uuid: bytes.loadUnaligned(as: uuid_t.self))
    }

    func digest(_ column: Column) throws -> Digest256 {
        guard let digest = try optionalDigest(column) else { throw corrupt(column.name) }
        return digest
    }

    func optionalDigest(_ column: Column) throws -> Digest256? {
        let (index, type) = type(column)
        if type == SQLITE_NULL { return nil }
        guard type == SQLITE_BLOB, let digest = Digest256(bytes: bytes(at: index)) else { throw corrupt(column.name) }
        return digest
    }

    func scopes(_ column: Column) throws -> ScopeSet {
        let text = try text(column)
        if text.isEmpty { return .empty }
        do { return try ScopeSet.parse(text) } catch { throw corrupt(column.name) }
    }

    /// A JSON array of strings (redirect URIs, grant types, resource identifiers). The empty
    /// array, most tokens' audience, skips the decoder.
    func strings(_ column: Column) throws -> [String] {
        let text = try text(column)
        if text == "[]" { return [] }
        guard let strings = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw corrupt(column.name)
        }
        return strings
    }

    /// A JSON array of resource identifiers (RFC 8707 §2); one that is not an absolute URI
    /// without a fragment is a corrupt row.
    func audience(_ column: Column) throws -> Audience {
        var audience: Audience = []
        for text in try strings(column) {
            guard let identifier = ResourceIdentifier(rawValue: text) else { throw corrupt(column.name) }
            audience.insert(identifier)
        }
        return audience
    }

    /// The state column against the one date that goes with it: `active`, or `revoked` at a time.
    func revocable(state column: Column, at dateColumn: Column) throws -> Date? {
        switch try text(column) {
        case "active": return nil
        case "revoked": return try date(dateColumn)
        default: throw corrupt(column.name)
        }
    }

    func corrupt(_ column: String) -> SQLiteStoreError {
        .corruptRow(table: table, column: prefix + column)
    }
}

/// A column a decoder reads: by name, or for the rows every verification reads also by its
/// position among the record's columns as each SELECT of the record lists them, so that it is
/// read without a name lookup (`ColumnsTests` checks every such position against the names).
struct Column: ExpressibleByStringLiteral, Sendable {
    let name: String
    let position: Int32?

    init(stringLiteral name: String) {
        self.name = name
        position = nil
    }

    /// `name` at its place in `columns`, the record's columns in the order its SELECTs list them.
    init(_ name: String, in columns: [String]) {
        guard let position = columns.firstIndex(of: name) else { preconditionFailure("no column \(name)") }
        self.name = name
        self.position = Int32(position)
    }
}

/// A statement's arguments in column order: dates as REAL seconds since 1970, digests and ids
/// as BLOBs (32 and 16 bytes), sets as sorted JSON arrays, booleans as 0 or 1.
struct Binds {
    private(set) var values: [DatabaseValue] = []

    /// Through GRDB's initializer over optional existentials: the one over a sequence of one
    /// concrete type maps it with a key path, which the runtime instantiates at every call.
    var arguments: StatementArguments { StatementArguments(values.lazy.map { $0 as (any DatabaseValueConvertible)? }) }

    /// Binds the values to `?1…` of a statement of SQLite's own, as GRDB binds them (strings
    /// and blobs copied); a count that does not match the statement's is an error, not NULLs.
    func bind(to statement: SQLiteStatement) throws {
        guard sqlite3_bind_parameter_count(statement) == Int32(values.count) else {
            throw DatabaseError(
                resultCode: .SQLITE_RANGE, message: "\(values.count) arguments",
                sql: sqlite3_sql(statement).map { String(cString: $0) })
        }
        for (offset, value) in values.enumerated() {
            let code = value.bind(to: statement, at: Int32(offset + 1))
            guard code == SQLITE_OK else { throw SQLiteStep.error(sqlite3_db_handle(statement), code: code, sql: nil) }
        }
    }

    mutating func append(text: String?) { values.append(text.map { .init(storage: .string($0)) } ?? .null) }
    mutating func append(integer: Int?) { values.append(integer.map { .init(storage: .int64(Int64($0))) } ?? .null) }
    mutating func append(double: Double?) { values.append(double.map { .init(storage: .double($0)) } ?? .null) }
    mutating func append(bool: Bool?) { append(integer: bool.map { $0 ? 1 : 0 }) }
    mutating func append(date: Date?) { append(double: date?.timeIntervalSince1970) }
    mutating func append(uuid: UUID?) {
        values.append(uuid.map { uuid in .init(storage: .blob(withUnsafeBytes(of: uuid.uuid) { Data($0) })) } ?? .null)
    }
    mutating func append(digest: Digest256?) {
        values.append(digest.map { .init(storage: .blob($0.withUnsafeBytes { Data($0) })) } ?? .null)
    }
    mutating func append(scopes: ScopeSet) { append(text: scopes.description) }
    /// A set, sorted, so equal sets are equal text.
    mutating func append(strings: [String]) { append(array: strings.sorted()) }
    /// A list whose order matters (redirect URIs: the first is the default), as given.
    mutating func append(orderedStrings: [String]) { append(array: orderedStrings) }
    /// An array of strings as JSON text. Strings of printable ASCII without quote or backslash
    /// (every URI, grant type and scope) are written as they are, the text the encoder would
    /// give, without the encoder's cost on every insert.
    mutating func append(array strings: [String]) {
        let plain = strings.allSatisfy { string in
            string.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        guard plain else { return append(json: strings) }
        append(text: "[" + strings.map { "\"" + $0 + "\"" }.joined(separator: ",") + "]")
    }
    /// Arrays as JSON text; encoding them cannot fail.
    mutating func append(json value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        append(text: (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]")
    }
    mutating func append(audience: Audience) { append(strings: audience.map(\.rawValue)) }
    /// `state` and the date it carries, for the records that are active or revoked.
    mutating func append(revokedAt: Date?) {
        append(text: revokedAt == nil ? "active" : "revoked")
        append(date: revokedAt)
    }

    static func build(_ body: (inout Binds) -> Void) -> StatementArguments {
        var binds = Binds()
        body(&binds)
        return binds.arguments
    }
}

/// The arguments of a read: a digest, the key of most, bound from its own bytes (no `Data`, no
/// array), or any `Binds`.
enum ReadKey {
    case digest(Digest256)
    case binds(Binds)

    /// Binds `?1…` of a statement of SQLite's own (SQLite copies the bytes).
    func bind(to statement: SQLiteStatement) throws {
        switch self {
        case .binds(let binds): try binds.bind(to: statement)
        case .digest(let digest):
            guard sqlite3_bind_parameter_count(statement) == 1 else {
                throw DatabaseError(
                    resultCode: .SQLITE_RANGE, message: "1 argument", sql: sqlite3_sql(statement).map { String(cString: $0) })
            }
            let code = digest.withUnsafeBytes { bytes in
                sqlite3_bind_blob(statement, 1, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
            guard code == SQLITE_OK else { throw SQLiteStep.error(sqlite3_db_handle(statement), code: code, sql: nil) }
        }
    }

    /// The same arguments for GRDB.
    var arguments: StatementArguments {
        switch self {
        case .binds(let binds): binds.arguments
        case .digest(let digest): SQLiteGrantStore.key { $0.append(digest: digest) }.arguments
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the value before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

extension DatabaseValue {
    init(storage: Storage) {
        switch storage {
        case .null: self = .null
        case .int64(let value): self = value.databaseValue
        case .double(let value): self = value.databaseValue
        case .string(let value): self = value.databaseValue
        case .blob(let value): self = value.databaseValue
        }
    }
}

/// `SELECT a, b, c` lists and `?n` placeholders built from one array of column names, so that
/// statements and decoders name the same columns. `?1` is always the key.
enum SQL {
    static func list(_ columns: [String], table alias: String? = nil, prefix: String? = nil) -> String {
        columns.map { column in
            let qualified = alias.map { "\($0).\(column)" } ?? column
            return prefix.map { "\(qualified) AS \($0)\(column)" } ?? qualified
        }.joined(separator: ", ")
    }

    static func placeholders(_ count: Int, from first: Int = 1) -> String {
        (first..<(first + count)).map { "?\($0)" }.joined(separator: ", ")
    }

    /// `a = ?2, b = ?3, …`: every column but the key, which is `?1`.
    static func assignments(_ columns: [String]) -> String {
        columns.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: ", ")
    }
}
