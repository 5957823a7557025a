import Synchronization

/// A SELECT and where each of its columns lands: the layout is built with the SQL, from the same
/// column lists, so a read resolves a column name to its index without asking SQLite for the
/// names or copying the row into a dictionary.
///
/// Every `Select` is a `static let`: its `id`, unique in the process, keys a read connection's
/// prepared statements without hashing the SQL.
struct Select: Sendable {
    let sql: String
    let layout: ColumnLayout
    let id: Int

    private static let count = Atomic(0)

    /// `SELECT` the records' columns (each one's table alias and result-name prefix), then `rest`
    /// (`FROM … WHERE …`).
    init(_ records: [(columns: [String], table: String?, prefix: String)], _ rest: String) {
        var layout = ColumnLayout()
        var list: [String] = []
        for record in records {
            for column in record.columns {
                layout.add(column, prefix: record.prefix, at: Int32(list.count))
                let qualified = record.table.map { "\($0).\(column)" } ?? column
                list.append(record.prefix.isEmpty ? qualified : "\(qualified) AS \(record.prefix)\(column)")
            }
        }
        self.init(sql: "SELECT \(list.joined(separator: ", ")) \(rest)", layout: layout)
    }

    /// A statement as written; `layout` names its result columns.
    init(sql: String, layout: ColumnLayout = ColumnLayout()) {
        self.sql = sql
        self.layout = layout
        id = Self.count.add(1, ordering: .relaxed).oldValue
    }

    /// `SELECT columns rest`, one table.
    init(_ columns: [String], _ rest: String) {
        self.init([(columns, nil, "")], rest)
    }
}

/// A statement's result columns by (prefix, name): one hash of two short strings per read, no
/// string built, nothing lower-cased.
struct ColumnLayout: Sendable {
    private struct Name: Hashable, Sendable {
        let prefix: String
        let column: String
    }

    private var indices: [Name: Int32] = [:]
    /// Each record's first column, by prefix: a few short strings, compared without hashing.
    private var bases: [(prefix: String, index: Int32)] = []

    mutating func add(_ column: String, prefix: String, at index: Int32) {
        indices[Name(prefix: prefix, column: column)] = index
        if !bases.contains(where: { $0.prefix == prefix }) { bases.append((prefix, index)) }
    }

    /// Where the record with `prefix` starts.
    func base(prefix: String) -> Int32? {
        bases.first { $0.prefix == prefix }?.index
    }

    func index(of column: String, prefix: String) -> Int32? {
        indices[Name(prefix: prefix, column: column)]
    }
}
