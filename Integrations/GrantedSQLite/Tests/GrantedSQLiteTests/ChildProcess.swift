import Foundation

/// `granted-sqlite-crash-writer`, built beside the test bundle, run as a child process.
struct ChildProcess {
    let process = Process()
    let output = Pipe()

    static var executable: URL {
        let tests = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return tests.deletingLastPathComponent().appendingPathComponent("granted-sqlite-crash-writer")
    }

    init(_ arguments: [String]) throws {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// SIGKILL: no handler, no flush, no cleanup; the process ends wherever it is.
    func kill() {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits until the process printed something (or ended), and answers what it printed.
    func firstOutput() -> Data {
        output.fileHandleForReading.availableData
    }

    /// Waits for the process to end, then answers every line it printed (after `earlier`, what
    /// `firstOutput` read).
    func lines(after earlier: Data = Data()) -> [Substring] {
        let data = earlier + output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }
}
