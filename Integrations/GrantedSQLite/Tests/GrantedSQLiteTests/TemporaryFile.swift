import Foundation
import GrantedSQLite

/// A database file of its own in a fresh temporary directory, removed (with its `-wal` and
/// `-shm` files) when `body` ends, however it ends.
enum TemporaryDatabase {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("granted-sqlite-" + String(UInt64.random(in: .min ... .max), radix: 16))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func withDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// Runs `body` on a freshly migrated file.
    static func with<Result>(
        synchronous: SQLiteDatabase.Synchronous = .normal, _ body: (SQLiteDatabase) async throws -> Result
    ) async throws -> Result {
        try await withDirectory { directory in
            let database = try SQLiteDatabase(
                path: directory.appendingPathComponent("granted.sqlite").path, synchronous: synchronous)
            return try await body(database)
        }
    }
}
