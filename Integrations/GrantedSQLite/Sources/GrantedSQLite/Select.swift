/// A SELECT and where each of its columns lands: the layout is built with the SQL, from the same
/// column lists, so a read resolves a column name to its index without asking SQLite for the
/// names or copying the row into a dictionary.
struct Select: Sendable {
    let sql: String
    let layout: ColumnLayout

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
        sql = "SELECT \(list.joined(separator: ", ")) \(rest)"
        self.layout = layout
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

    mutating func add(_ column: String, prefix: String, at index: Int32) {
        indices[Name(prefix: prefix, column: column)] = index
    }

    func index(of column: String, prefix: String) -> Int32? {
        indices[Name(prefix: prefix, column: column)]
    }
}
