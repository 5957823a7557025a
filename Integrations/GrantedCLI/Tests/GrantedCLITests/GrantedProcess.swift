import Foundation

/// `granted`, built beside the test bundle, run as a child process: what an operator's shell or
/// script sees (exit status, standard output, standard error).
struct GrantedRun {
    let status: Int32
    let output: String
    let error: String

    /// Standard output parsed as JSON (what `--json` prints).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed])
    }

    func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else { throw GrantedRun.NotJSON(output: output) }
        return object
    }

    func array() throws -> [[String: Any]] {
        guard let array = try json() as? [[String: Any]] else { throw GrantedRun.NotJSON(output: output) }
        return array
    }

    struct NotJSON: Error { let output: String }

    static var executable: URL {
        let tests = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return tests.deletingLastPathComponent().appendingPathComponent("granted")
    }

    /// Runs `granted arguments…` with `environment` added to an environment without any
    /// `GRANTED_*` variable of the test's own, `input` on standard input, and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String = "") throws -> GrantedRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GRANTED_") }
        inherited.merge(environment) { $1 }
        process.environment = inherited
        // Files, not pipes: a child that writes more than a pipe holds never blocks on us.
        let directory = FileManager.default.temporaryDirectory
        let name = "granted-cli-" + UUID().uuidString
        let outURL = directory.appendingPathComponent(name + ".out")
        let errURL = directory.appendingPathComponent(name + ".err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return GrantedRun(
            status: process.terminationStatus,
            output: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            error: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
