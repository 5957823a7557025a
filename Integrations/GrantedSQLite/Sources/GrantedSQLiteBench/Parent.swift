import Foundation
import Granted
import GrantedSQLite

/// Prepares the file, then runs every (scenario, process count) cell `runs` times, Granted and
/// the bare loop alternating within each round so that load on the machine falls on both.
struct Parent {
    let options: Options
    let path: String
    /// Summed ops/s of each cell's runs.
    private(set) var results: [String: [Double]] = [:]

    static func key(_ scenario: Scenario, _ processes: Int) -> String { "\(scenario.rawValue)@\(processes)" }

    init(options: Options, path: String) {
        self.options = options
        self.path = path
    }

    /// Creates and migrates the file, prefills `access_tokens`, issues the tokens `verify` reads.
    func prepare() async {
        let server = Fixture.server(path: path, synchronous: options.synchronous)
        BareLoop(path: path, synchronous: options.synchronous.rawValue).prefill(options.prefill)
        if options.only.contains(.verify) || options.only.contains(.select) {
            await Fixture.issueTokens(options.verifyTokens, server: server, path: path)
        }
    }

    mutating func measure() {
        for processes in options.processes {
            for _ in 0..<options.runs {
                for scenario in Scenario.allCases where options.only.contains(scenario) {
                    results[Self.key(scenario, processes), default: []].append(run(scenario, processes: processes))
                }
            }
        }
    }

    /// Starts `processes` children on the file, lets them get ready, starts them together and
    /// sums their ops/s.
    private func run(_ scenario: Scenario, processes: Int) -> Double {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var children: [(process: Process, input: Pipe, output: Pipe)] = []
        for _ in 0..<processes {
            let process = Process()
            process.executableURL = executable
            process.arguments = options.childArguments(scenario, path: path)
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            do { try process.run() } catch { fail("cannot start a child: \(error)") }
            children.append((process, input, output))
        }
        for child in children {
            guard Lines.readLine(child.output.fileHandleForReading.fileDescriptor) == "ready" else {
                fail("a \(scenario.rawValue) child did not get ready")
            }
        }
        for child in children { Lines.writeLine(child.input.fileHandleForWriting.fileDescriptor, "go") }
        var total = 0.0
        for child in children {
            let line = Lines.readLine(child.output.fileHandleForReading.fileDescriptor) ?? ""
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "done", let ops = Double(parts[1]), let nanos = Double(parts[2]), nanos > 0
            else { fail("a \(scenario.rawValue) child answered \(line.debugDescription)") }
            total += ops / (nanos / 1e9)
            child.process.waitUntilExit()
            guard child.process.terminationStatus == 0 else { fail("a \(scenario.rawValue) child failed") }
        }
        return total
    }

    func medianOf(_ scenario: Scenario, _ processes: Int) -> Double? {
        guard let values = results[Self.key(scenario, processes)], !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The table, the ratios, and with `--json` one line per cell and per ratio.
    func report() {
        print("granted-sqlite-bench: synchronous \(options.synchronous.rawValue), \(options.runs) runs of \(options.seconds) s per cell, median (min–max), ops/s summed over the processes")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage())")
        print("| scenario | processes | ops/s | min | max |")
        print("|---|---:|---:|---:|---:|")
        var json: [String] = []
        for processes in options.processes {
            for scenario in Scenario.allCases {
                guard let values = results[Self.key(scenario, processes)], let median = medianOf(scenario, processes) else { continue }
                let low = values.min() ?? 0, high = values.max() ?? 0
                print("| \(scenario.rawValue) | \(processes) | \(count(median)) | \(count(low)) | \(count(high)) |")
                json.append(String(
                    format: #"{"scenario": "%@", "processes": %d, "synchronous": "%@", "median": %.0f, "min": %.0f, "max": %.0f, "runs": %d}"#,
                    scenario.rawValue, processes, options.synchronous.rawValue, median, low, high, values.count))
            }
        }
        print("Granted against the limit (median ops/s; limit ÷ Granted, the target is at most 1.5×):")
        for processes in options.processes {
            for scenario in Scenario.allCases {
                guard let limit = scenario.limit, let granted = medianOf(scenario, processes),
                    let floor = medianOf(limit, processes)
                else { continue }
                let ratio = floor / granted
                print("  \(scenario.rawValue) ÷ \(limit.rawValue), \(processes) process\(processes == 1 ? "" : "es"): "
                    + "\(count(granted)) / \(count(floor)) = \(String(format: "%.2f", granted / floor)) of the limit, "
                    + "limit ÷ Granted \(String(format: "%.2f", ratio))×")
                json.append(String(
                    format: #"{"ratio": "%@/%@", "processes": %d, "synchronous": "%@", "granted": %.0f, "limit": %.0f, "limit_over_granted": %.3f}"#,
                    scenario.rawValue, limit.rawValue, processes, options.synchronous.rawValue, granted, floor, ratio))
            }
        }
        if options.json { json.forEach { print($0) } }
    }

    private func count(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int(value))
    }

    private func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    }
}
