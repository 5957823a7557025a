import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Command-line options: `--quick`, `--only NAME` (repeatable, or comma-separated), `--runs N`,
/// `--tokens N`, `--list`, `--help`.
struct Options: Sendable {
    /// Fewer operations and a smaller store: a smoke run for CI, not figures to quote.
    var quick = false
    /// Scenario names or prefixes (`cc` also selects `cc.prebuilt`); empty: all.
    var only: [String] = []
    /// Timed runs per scenario (at least 5 for quoted figures).
    var runs = 5
    /// Live access tokens the store holds before a scenario starts.
    var tokens: Int?
    var list = false
    /// Also print one JSON object per measurement (for `Benchmarks/run`).
    var json = false
    /// Cost against live tokens instead of the scenarios (`Scaling.swift`).
    var scaling = false
    /// Store sizes for `--scaling`; nil: `Scaling.defaultSizes`.
    var sizes: [Int]?
    /// Measure every budgeted path and fail over budget (BudgetCheckRun.swift).
    var check = false
    var budgetsFile = "Benchmarks/budgets.json"
    /// `--slow-down PATH=F`: busy work that makes PATH F times slower, to see the check fail.
    var slowDown: [String: Double] = [:]
    /// Count heap allocations during the timed runs (the check's allocation pass).
    var countAllocations = false
    /// `--check --allocations`: the allocation pass alone (to see it count the same every run).
    var allocationsOnly = false

    static let usage = """
        usage: granted-bench [--quick] [--only NAME[,NAME...]] [--runs N] [--tokens N] [--list] [--json]
               granted-bench --scaling [--sizes 10k,100k,1M,10M] [--only PATH] [--json]
          --quick      fewer operations and 100,000 prefilled tokens (CI smoke, not figures)
          --only NAME  run only scenarios named NAME or NAME.* (repeatable)
          --runs N     timed runs per scenario (default 5)
          --tokens N   live tokens in the store before each scenario (default 1,000,000)
          --list       list the scenarios and exit
          --json       also print one JSON line per measurement (Benchmarks/run reads them)
          --scaling    throughput, p50/p99/p99.9 latency and bytes per token against live tokens
          --sizes LIST live tokens for --scaling (default 10k,100k,1M,10M; --quick: 10k,100k)
          --check      measure every path in the budgets file against its budget; exit 1 over it
          --budgets FILE        the budgets for --check (default Benchmarks/budgets.json)
          --slow-down PATH=F    make PATH F times slower with busy work (to see --check fail)
          --allocations         with --check: count the paths' allocations, skip the timing
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments.dropFirst()[...]
        func value(_ flag: String) -> String {
            guard let next = rest.popFirst() else { fail("\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) -> Int {
            let text = value(flag).replacingOccurrences(of: "_", with: "")
            guard let n = Int(text), n > 0 else { fail("\(flag) needs a positive number") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": options.quick = true
            case "--only": options.only += value(argument).split(separator: ",").map(String.init)
            case "--runs": options.runs = number(argument)
            case "--tokens": options.tokens = number(argument)
            case "--list": options.list = true
            case "--json": options.json = true
            case "--scaling": options.scaling = true
            case "--sizes":
                guard let sizes = TokenCount.parseList(value(argument)) else {
                    fail("--sizes needs counts like 10k,100k,1M")
                }
                options.sizes = sizes
            case "--check": options.check = true
            case "--budgets": options.budgetsFile = value(argument)
            case "--allocations": options.allocationsOnly = true
            case "--slow-down":
                let text = value(argument)
                let parts = text.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let factor = Double(parts[1]), factor >= 1, factor < 100 else {
                    fail("--slow-down needs PATH=FACTOR with a factor from 1 to 100, not \(text)")
                }
                options.slowDown[String(parts[0])] = factor
            case "--help", "-h":
                print(usage)
                exit(0)
            default: fail("unknown argument \(argument)")
            }
        }
        if options.sizes != nil && !options.scaling { fail("--sizes goes with --scaling") }
        return options
    }

    /// Live tokens to prefill: `--tokens`, else 1,000,000 (100,000 with `--quick`).
    var prefill: Int { tokens ?? (quick ? 100_000 : 1_000_000) }

    /// Operations per run: the full count, or a twentieth of it (at least 1,000) with `--quick`;
    /// with `--check`, a two-hundredth (at least 100): many short runs, so that on a busy machine
    /// the best of them, for a path as for its primitives, is one that others' work (caches,
    /// the other hyperthread) disturbed least.
    func ops(_ full: Int) -> Int { check ? max(100, full / 200) : quick ? max(1_000, full / 20) : full }

    func selects(_ name: String) -> Bool {
        only.isEmpty || only.contains { name == $0 || name.hasPrefix($0 + ".") }
    }
}

/// Stops the bench with a message: a failed assertion or a bad argument.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("granted-bench: \(message)\n".utf8))
    exit(1)
}

/// Writes a line to stdout unbuffered, so it interleaves in order with the notes on stderr.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Progress and setup notes go to stderr, so stdout is only the header and the table.
func note(_ message: String) {
    FileHandle.standardError.write(Data("  \(message)\n".utf8))
}

/// Keeps a value alive as far as the optimizer can tell, so measured work is not removed.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

/// Monotonic nanoseconds (or another clock's, such as the process's CPU time).
@inline(__always)
func nanoseconds(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
    var time = timespec()
    clock_gettime(clock, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// One scenario's timed runs.
struct Measurement: Sendable {
    let name: String
    let ops: Int
    /// Wall time of each timed run, in nanoseconds.
    let runs: [UInt64]
    /// Operations per second the team's issue asks for, if any.
    let target: Double?
    /// Operations run concurrently by this many callers (1: one caller).
    let callers: Int
    /// Heap allocations over all timed runs, when counted (`Options.countAllocations`).
    var allocations: UInt64? = nil

    /// Heap allocations per operation, when counted.
    var allocationsPerOp: Double? { allocations.map { Double($0) / Double(ops * runs.count) } }

    private func rate(_ nanos: UInt64) -> Double { Double(ops) * 1e9 / Double(nanos) }
    private var sorted: [UInt64] { runs.sorted() }
    /// The median run (the mean of the middle two for an even count).
    var medianNanos: Double {
        let s = sorted
        return s.count % 2 == 1
            ? Double(s[s.count / 2]) : (Double(s[s.count / 2 - 1]) + Double(s[s.count / 2])) / 2
    }
    var medianOpsPerSecond: Double { Double(ops) * 1e9 / medianNanos }
    var minOpsPerSecond: Double { rate(sorted.last!) }
    var maxOpsPerSecond: Double { rate(sorted.first!) }
    var medianNanosPerOp: Double { medianNanos / Double(ops) }
    var minNanosPerOp: Double { Double(sorted.first!) / Double(ops) }
    var maxNanosPerOp: Double { Double(sorted.last!) / Double(ops) }
}

/// Runs scenarios' measurements and prints them as one aligned table.
final class Bench {
    let options: Options
    private(set) var results: [Measurement] = []
    /// Set by the memory scenario.
    var memoryPerToken: Double?
    /// Two callers' throughput over one's, a pair of runs at a time (`measureScaling`).
    var scalingRatios: [Double] = []

    init(options: Options) { self.options = options }

    /// Operations `measure` runs for `ops` per run, warm-up included: what a scenario that
    /// issues a token per operation adds to the store, so the store can reserve room for it.
    func totalOps(_ ops: Int, runs: Int? = nil) -> Int { max(1, ops / 10) + (runs ?? options.runs) * ops }

    /// Times `runs` runs of `ops` calls of `body` (after an untimed warm-up of a tenth as many)
    /// and records the result. `body` gets the operation's index, counting up across the
    /// warm-up and every run, so it can cycle through prepared inputs; it should check its own
    /// result (a wrong answer is a failed bench, not a fast one).
    @discardableResult
    func measure(
        name: String, runs: Int? = nil, ops: Int, target: Double? = nil,
        body: (Int) async throws -> Void
    ) async rethrows -> Measurement {
        let runs = runs ?? options.runs
        var index = 0
        let warmup = max(1, ops / 10)
        for _ in 0..<warmup {
            try await body(index)
            index &+= 1
        }
        var times: [UInt64] = []
        times.reserveCapacity(runs)
        let slowDown = options.slowDown[name]
        // --check times CPU time: what other processes' turns on a busy machine do not add to.
        let clock = options.check ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC
        let counted = options.countAllocations ? Allocations.start() : nil
        for _ in 0..<runs {
            let start = nanoseconds(clock)
            for _ in 0..<ops {
                try await body(index)
                index &+= 1
            }
            if let slowDown { SlowDown.spin(clock, until: start &+ UInt64(Double(nanoseconds(clock) &- start) * slowDown)) }
            times.append(nanoseconds(clock) &- start)
        }
        let allocations = counted.flatMap { Allocations.stop(since: $0) }
        return record(
            Measurement(name: name, ops: ops, runs: times, target: target, callers: 1, allocations: allocations))
    }

    /// One caller, then `callers` at once, alternating run by run on the same server, each run
    /// `ops` per caller; records `name.1` and `name`, and answers each pair's ratio of
    /// throughputs. This machine's speed drifts over seconds; timed back to back, a pair shares
    /// the drift, where two scenarios measured one after the other did not.
    func measureScaling(
        name: String, callers: Int, runs: Int? = nil, ops: Int,
        body: @escaping @Sendable (Int, Int) async -> Void
    ) async -> [Double] {
        let runs = runs ?? options.runs
        func round(_ callers: Int, _ count: Int, offset: Int) async -> UInt64 {
            let start = nanoseconds()
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        for index in offset..<(offset + count) { await body(caller, index) }
                    }
                }
            }
            return nanoseconds() &- start
        }
        var offset = max(1, ops / 10)
        _ = await round(callers, offset, offset: 0)
        var single: [UInt64] = [], several: [UInt64] = [], ratios: [Double] = []
        for _ in 0..<runs {
            let one = await round(1, ops, offset: offset)
            offset += ops
            let all = await round(callers, ops, offset: offset)
            offset += ops
            single.append(one)
            several.append(all)
            ratios.append(Double(callers) * Double(one) / Double(all))
        }
        record(Measurement(name: name + ".1", ops: ops, runs: single, target: nil, callers: 1))
        record(Measurement(name: name, ops: ops * callers, runs: several, target: nil, callers: callers))
        return ratios
    }

    /// The recorded measurement of that name, for ratios.
    func result(_ name: String) -> Measurement? { results.last { $0.name == name } }

    @discardableResult private func record(_ m: Measurement) -> Measurement {
        results.append(m)
        note(
            "\(m.name): median \(Format.rate(m.medianOpsPerSecond)) ops/s, "
                + "\(Format.nanos(m.medianNanosPerOp)) ns/op over \(m.runs.count) runs of \(Format.count(m.ops))")
        return m
    }

    /// The results as an aligned table: ops/s (median, min, max) and ns/op (median, best, worst).
    func table() -> String {
        let header = [
            "scenario", "ops/run", "runs", "median ops/s", "min ops/s", "max ops/s",
            "median ns/op", "min ns/op", "max ns/op", "target ops/s",
        ]
        let rows = results.map { m -> [String] in
            [
                m.name, Format.count(m.ops), String(m.runs.count),
                Format.rate(m.medianOpsPerSecond), Format.rate(m.minOpsPerSecond),
                Format.rate(m.maxOpsPerSecond), Format.nanos(m.medianNanosPerOp),
                Format.nanos(m.minNanosPerOp), Format.nanos(m.maxNanosPerOp),
                m.target.map { "\(Format.rate($0)) (\(Int((m.medianOpsPerSecond / $0 * 100).rounded()))%)" } ?? "",
            ]
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 || i == cells.count - 1 ? cell + pad : pad + cell  // names left, numbers right
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

enum Format {
    /// 1234567 → "1,234,567".
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
    static func rate(_ opsPerSecond: Double) -> String { count(Int(opsPerSecond.rounded())) }
    static func nanos(_ value: Double) -> String {
        value >= 100 ? count(Int(value.rounded())) : String(format: "%.1f", value)
    }
    static func seconds(_ nanos: UInt64) -> String { String(format: "%.2f s", Double(nanos) / 1e9) }
}

/// What the figures were measured on.
enum Machine {
    static var architecture: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    static var cpuModel: String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    static var loadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }
    /// Resident set size in bytes (Linux), for setup notes.
    static var residentBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
    /// The compiler that built the bench.
    static var compiler: String {
        #if compiler(>=6.4)
            "Swift 6.4 or later"
        #elseif compiler(>=6.3)
            "Swift 6.3"
        #elseif compiler(>=6.2)
            "Swift 6.2"
        #elseif compiler(>=6.1)
            "Swift 6.1"
        #else
            "Swift 6.0"
        #endif
    }
    static var optimized: Bool {
        #if DEBUG
            false
        #else
            true
        #endif
    }

    static func header(_ options: Options) -> String {
        let date = ISO8601DateFormatter().string(from: Date())
        var lines = [
            "granted-bench  \(date)",
            "machine: \(architecture), \(ProcessInfo.processInfo.activeProcessorCount) cores"
                + (cpuModel.map { " (\($0))" } ?? ""),
            "compiler: \(compiler), \(optimized ? "release" : "DEBUG build: figures are meaningless")",
            "load average at start: \(loadAverage)",
        ]
        if options.quick { lines.append("mode: --quick (smoke run; do not quote these figures)") }
        return lines.joined(separator: "\n")
    }
}
