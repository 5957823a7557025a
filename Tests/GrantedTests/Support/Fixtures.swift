import Foundation

/// Test data under the repository's `Fixtures/` directory (RFC and FIPS vectors), found from
/// this file's own path so tests run from any working directory.
enum Fixtures {
    /// Why a fixture could not be used; names the file so the failure reads on its own.
    struct LoadingError: Error, CustomStringConvertible {
        let path: String
        let underlying: any Error
        var description: String { "fixture \(path): \(underlying)" }
    }

    /// The `Fixtures/` directory: the first one found walking up from this source file.
    static let directory: URL = {
        let thisFile = URL(fileURLWithPath: "\(#filePath)")
        var candidate = thisFile.deletingLastPathComponent()
        while candidate.pathComponents.count > 1 {
            let fixtures = candidate.appendingPathComponent("Fixtures", isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: fixtures.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return fixtures
            }
            candidate = candidate.deletingLastPathComponent()
        }
        // Not found: answer where it should be (package root, by layout), so the read names the path.
        return thisFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures", isDirectory: true)
    }()

    /// The URL of `relativePath` (e.g. `"vectors/sha256.json"`) inside `Fixtures/`.
    static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// Reads `relativePath` and decodes it as JSON.
    static func load<T: Decodable>(_ relativePath: String, as type: T.Type) throws -> T {
        let file = url(relativePath)
        do {
            return try JSONDecoder().decode(type, from: Data(contentsOf: file))
        } catch {
            throw LoadingError(path: file.path, underlying: error)
        }
    }
}
