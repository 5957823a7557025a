// granted-sqlite-bench: client-credentials issuance and bearer verification through
// GrantedSQLite beside a bare sqlite3 INSERT / SELECT loop on the same file, with the same
// pragmas, in one process and several (issues 19 and 20; BENCHMARKS.md).
//
//   swift build -c release --package-path Integrations/GrantedSQLite --product granted-sqlite-bench
//   Integrations/GrantedSQLite/.build/release/granted-sqlite-bench [--quick] [--processes 1,2,4] [--json]
//
// Every measurement runs in child processes (this executable again, with `--child`), so one
// process and several are measured the same way.
import Foundation

let options: Options
do { options = try Options.parse(CommandLine.arguments) } catch { fail(error.description) }

if let scenario = options.child {
    await Child.run(scenario, options: options)
    exit(0)
}

let directory: URL? = options.path == nil
    ? FileManager.default.temporaryDirectory.appendingPathComponent("granted-sqlite-bench-\(UUID().uuidString)")
    : nil
if let directory {
    do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
        fail("cannot create \(directory.path): \(error)")
    }
}
let path = options.path ?? directory!.appendingPathComponent("bench.sqlite").path
var parent = Parent(options: options, path: path)
await parent.prepare()
parent.measure()
parent.report()
if let directory { try? FileManager.default.removeItem(at: directory) }
