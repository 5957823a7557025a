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
        let row = try DatabaseQueue().read { try #require(try Row.fetchOne($0, sql: "SELECT ? AS list", arguments: [text])) }
        #expect(try RowReader(row: row, table: "t").strings("list") == strings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let isPlain = strings.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        if isPlain { #expect(text == String(decoding: try encoder.encode(strings), as: UTF8.self)) }
    }
}
