import Foundation
import GRDB
@testable import GrantedSQLite
import GrantedTesting
import Testing

/// String arrays (audiences, redirect URIs, grant types) are JSON text in their columns. Plain
/// ones skip JSONEncoder on the insert path, and the empty one skips JSONDecoder on the read
/// path: both must give what the coders would.
@Suite("SQLite: string arrays as JSON text")
struct ColumnsTests {
    static let alphabet = Array(#"ab/:?#=&%.-_~ "\é"# + "\u{1}\n\t\u{2028}")

    static let list = Select(["list"], "FROM (SELECT ?1 AS list)")

    static func text(_ strings: [String]) throws -> String {
        var binds = Binds()
        binds.append(orderedStrings: strings)
        guard case .string(let text) = try #require(binds.values.first).storage else {
            Issue.record("not text")
            return ""
        }
        return text
    }

    @Test("any array reads back as written; a plain one is the encoder's text", arguments: 0..<200)
    func roundTrip(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let strings = (0..<Int.random(in: 0...4, using: &random)).map { _ in
            String((0..<Int.random(in: 0...12, using: &random)).map { _ in
                Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &random)]
            })
        }
        let text = try Self.text(strings)
        let read = try DatabaseQueue().read { db in
            try db.withRow(Self.list, arguments: [text]) { try RowReader(row: $0, table: "t").strings("list") }
        }
        #expect(read == strings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let isPlain = strings.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        if isPlain { #expect(text == String(decoding: try encoder.encode(strings), as: UTF8.self)) }
    }
}

/// `RowReader` reads SQLite's values where the step left them; whatever another program wrote,
/// a value of the wrong storage class is `corruptRow`, never a trap or a wrong value.
@Suite("SQLite: reading columns by index")
struct RowReaderTests {
    /// One value of each storage class, as SQL.
    static let values = ["NULL", "7", "2.5", "'text'", "x'00112233445566778899aabbccddeeff'", "zeroblob(32)", "x''", "''"]
    static let select = Select(["v"], "FROM (SELECT ?1 AS v)")

    /// What each accessor answers for one value: its result's description, or "corrupt".
    static func read(_ sql: String) throws -> [String] {
        try DatabaseQueue().read { db in
            try db.withRow(Select(["v"], "FROM (SELECT \(sql) AS v)"), arguments: []) { row in
                let read = RowReader(row: row, table: "t")
                func attempt(_ body: () throws -> Any?) -> String {
                    do { return String(describing: try body() ?? "nil") } catch { return "corrupt" }
                }
                return [
                    attempt { try read.optionalText("v") }, attempt { try read.integer("v") },
                    attempt { try read.double("v") }, attempt { try read.optionalUUID("v")?.uuidString },
                    attempt { try read.optionalDigest("v")?.hex }, attempt { try read.optionalBool("v") },
                    attempt { read.isPresent(key: "v") }, attempt { try read.optionalText("missing") },
                ]
            } ?? []
        }
    }

    @Test("each storage class reads as its type or is corrupt", arguments: values)
    func storageClasses(sql: String) throws {
        let expected: [String: [String]] = [
            "NULL": ["nil", "corrupt", "corrupt", "nil", "nil", "nil", "false", "nil"],
            "7": ["corrupt", "7", "7.0", "corrupt", "corrupt", "corrupt", "true", "nil"],
            "2.5": ["corrupt", "corrupt", "2.5", "corrupt", "corrupt", "corrupt", "true", "nil"],
            "'text'": ["text", "corrupt", "corrupt", "corrupt", "corrupt", "corrupt", "true", "nil"],
            "x'00112233445566778899aabbccddeeff'": [
                "corrupt", "corrupt", "corrupt", "00112233-4455-6677-8899-AABBCCDDEEFF", "corrupt", "corrupt", "true", "nil",
            ],
            "zeroblob(32)": [
                "corrupt", "corrupt", "corrupt", "corrupt", String(repeating: "0", count: 64), "corrupt", "true", "nil",
            ],
            "x''": ["corrupt", "corrupt", "corrupt", "corrupt", "corrupt", "corrupt", "true", "nil"],
            "''": ["", "corrupt", "corrupt", "corrupt", "corrupt", "corrupt", "true", "nil"],
        ]
        #expect(try Self.read(sql) == expected[sql])
    }

    @Test("a join's prefixed columns and the unprefixed ones resolve to their own indices")
    func prefixes() throws {
        let select = Select(
            [(["a", "b"], "p", ""), (["a", "b"], "j", "j_")], "FROM (SELECT 1 AS a, 2 AS b) p JOIN (SELECT 3 AS a, 4 AS b) j")
        #expect(select.sql == "SELECT p.a, p.b, j.a AS j_a, j.b AS j_b FROM (SELECT 1 AS a, 2 AS b) p JOIN (SELECT 3 AS a, 4 AS b) j")
        let read = try DatabaseQueue().read { db in
            try db.withRow(select, arguments: []) { row in
                let plain = RowReader(row: row, table: "t"), joined = RowReader(row: row, table: "j", prefix: "j_")
                return [try plain.integer("a"), try plain.integer("b"), try joined.integer("a"), try joined.integer("b")]
            }
        }
        #expect(read == [1, 2, 3, 4])
    }

    @Test("every row of a statement is read, in order", arguments: [0, 1, 5])
    func rows(count: Int) throws {
        let select = Select(
            ["value"],
            "FROM (WITH RECURSIVE s(value) AS (SELECT 1 WHERE ?1 >= 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?1) SELECT value FROM s)")
        let read = try DatabaseQueue().read { db in
            try db.withRows(select, arguments: [count]) { try RowReader(row: $0, table: "t").integer("value") }
        }
        #expect(read == Array(stride(from: 1, through: count, by: 1)))
    }
}

/// The rows a verification reads are decoded by column position, not name: each SELECT that
/// decodes one must list its columns where the positions say.
@Suite("SQLite: columns read by position")
struct ColumnPositionTests {
    static let selects: [(String, Select, prefix: String, columns: [String])] = [
        ("accessToken", Statements.accessToken, "", AccessTokenRow.columns),
        ("accessTokenJoined", Statements.accessTokenJoined, "", AccessTokenRow.columns),
        ("accessTokenJoined", Statements.accessTokenJoined, "f_", RefreshFamilyRow.selected),
        ("accessTokenJoined", Statements.accessTokenJoined, "a_", UserAuthorizationRow.selected),
        ("familyByID", Statements.familyByID, "", RefreshFamilyRow.selected),
        ("familyJoined", Statements.familyJoined, "", RefreshFamilyRow.selected),
        ("familyJoined", Statements.familyJoined, "a_", UserAuthorizationRow.selected),
        ("activeAuthorization", Statements.activeAuthorization, "", UserAuthorizationRow.selected),
        ("authorizationByID", Statements.authorizationByID, "", UserAuthorizationRow.selected),
        ("authorizationsOfSubject", Statements.authorizationsOfSubject, "", UserAuthorizationRow.selected),
    ]

    @Test("every column's position, from where its record starts, is the column the SELECT names", arguments: 0..<10)
    func positions(_ index: Int) throws {
        let (name, select, prefix, columns) = Self.selects[index]
        let base = try #require(select.layout.base(prefix: prefix), "\(name) \(prefix)")
        for column in columns {
            let position = try #require(Column(column, in: columns).position)
            #expect(select.layout.index(of: column, prefix: prefix) == base + position, "\(name) \(prefix)\(column)")
        }
    }

    @Test("a record's base is its first column; a prefix the SELECT lacks has none")
    func bases() {
        let layout = Statements.accessTokenJoined.layout
        #expect(layout.base(prefix: "") == 0)
        #expect(layout.base(prefix: "f_") == Int32(AccessTokenRow.columns.count))
        #expect(layout.base(prefix: "a_") == Int32(AccessTokenRow.columns.count + RefreshFamilyRow.selected.count))
        #expect(layout.base(prefix: "x_") == nil)
    }
}
