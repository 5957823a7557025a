import ArgumentParser
import Foundation

/// `--json`, shared by every subcommand that prints.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of a table.")
    var json = false
}

/// Tables for people, JSON for scripts.
enum Output {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("granted: " + message + "\n").utf8))
    }

    /// One JSON value on one line, keys sorted, so scripts and tests read it the same way.
    static func json(_ value: Any) {
        let data = (try? JSONSerialization.data(
            withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])) ?? Data("null".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    /// A left-aligned table with a header row; "(none)" when there are no rows.
    static func table(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else {
            print("(none)")
            return
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    /// Field: value lines, for one record.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs {
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }

    static func timestamp(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return Int(date.timeIntervalSince1970.rounded(.down))
    }
}
