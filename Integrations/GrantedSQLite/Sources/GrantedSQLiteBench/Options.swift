import Foundation
import GrantedSQLite

/// What a run measures. `issue` and `verify` go through Granted; `sqlite3.insert` and
/// `sqlite3.select` are the bare loop on the same file: the limit each is read against.
enum Scenario: String, CaseIterable, Sendable {
    case issue
    case insert = "sqlite3.insert"
    case verify
    case select = "sqlite3.select"

    /// The limit a Granted scenario is read against, nil for a limit itself.
    var limit: Scenario? {
        switch self {
        case .issue: .insert
        case .verify: .select
        case .insert, .select: nil
        }
    }
}

/// Command-line options of the parent, and what the parent hands each child.
struct Options: Sendable {
    var path: String?
    var processes = [1, 2, 4]
    var runs = 5
    var seconds = 3.0
    /// Rows in `access_tokens` before the first run, so the B-tree has a production depth.
    var prefill = 100_000
    /// Tokens issued once through `/token` for `verify` (and whose rows `sqlite3.select` reads).
    var verifyTokens = 2_000
    var synchronous = SQLiteDatabase.Synchronous.full
    var json = false
    var only: [Scenario] = Scenario.allCases
    /// Set in a child: the scenario it runs, then waits for `go` on its standard input.
    var child: Scenario?
    /// In a child: exactly this many operations instead of `seconds` (for instruction counts
    /// under callgrind: `echo go | valgrind --tool=callgrind granted-sqlite-bench --child issue --count N --path F`).
    var count: Int?

    static let usage = """
        usage: granted-sqlite-bench [--quick] [--processes 1,2,4] [--runs N] [--seconds S] [--prefill N]
                                    [--synchronous full|normal] [--only NAME,...] [--path FILE] [--json]
          --quick        one run of 0.5 s per cell, 10,000 prefilled rows (a CI smoke run, not figures)
          --processes    process counts to run each scenario with, all on one file (default 1,2,4)
          --runs N       timed runs per cell, median reported (default 5)
          --seconds S    length of each timed run (default 3)
          --prefill N    access-token rows in the file before the first run (default 100,000)
          --synchronous  PRAGMA synchronous of the adapter and of the bare loop (default full, the adapter's)
          --only         issue, verify, sqlite3.insert, sqlite3.select (default all)
          --path FILE    the database file (default a new one in a temporary directory, removed after)
          --json         also print one JSON line per cell and per ratio
        """

    static func parse(_ arguments: [String]) throws(Usage) -> Options {
        var options = Options()
        var rest = arguments.dropFirst()[...]
        func value(_ flag: String) throws(Usage) -> String {
            guard let next = rest.popFirst() else { throw Usage("\(flag) needs a value") }
            return next
        }
        func positive(_ flag: String) throws(Usage) -> Int {
            guard let number = Int(try value(flag).replacingOccurrences(of: "_", with: "")), number > 0 else {
                throw Usage("\(flag) needs a positive number")
            }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--quick":
                options.runs = 1
                options.seconds = 0.5
                options.prefill = 10_000
                options.verifyTokens = 500
            case "--processes":
                options.processes = []
                for part in try value(flag).split(separator: ",") {
                    guard let number = Int(part), number > 0 else { throw Usage("--processes takes positive numbers") }
                    options.processes.append(number)
                }
            case "--runs": options.runs = try positive(flag)
            case "--seconds":
                guard let seconds = Double(try value(flag)), seconds > 0, seconds.isFinite else {
                    throw Usage("--seconds needs a positive number")
                }
                options.seconds = seconds
            case "--prefill": options.prefill = try positive(flag)
            case "--synchronous":
                guard let mode = SQLiteDatabase.Synchronous(rawValue: try value(flag).uppercased()) else {
                    throw Usage("--synchronous is full or normal")
                }
                options.synchronous = mode
            case "--only":
                options.only = []
                for part in try value(flag).split(separator: ",") {
                    guard let scenario = Scenario(rawValue: String(part)) else { throw Usage("unknown scenario \(part)") }
                    options.only.append(scenario)
                }
            case "--path": options.path = try value(flag)
            case "--json": options.json = true
            case "--child":
                guard let scenario = Scenario(rawValue: try value(flag)) else { throw Usage("unknown child scenario") }
                options.child = scenario
            case "--count": options.count = try positive(flag)
            case "--help", "-h":
                print(usage)
                exit(0)
            default: throw Usage("unknown argument \(flag)\n\(usage)")
            }
        }
        return options
    }

    /// The arguments a child is started with: the file and its pragmas, never the process count.
    func childArguments(_ scenario: Scenario, path: String) -> [String] {
        ["--child", scenario.rawValue, "--path", path, "--seconds", String(seconds),
         "--synchronous", synchronous.rawValue.lowercased()]
    }
}

struct Usage: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// Stops the bench with a message on standard error.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("granted-sqlite-bench: \(message)\n".utf8))
    exit(1)
}
