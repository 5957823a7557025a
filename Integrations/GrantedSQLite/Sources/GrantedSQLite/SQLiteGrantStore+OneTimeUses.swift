import Foundation
import Granted

/// One-time uses (a client assertion's `jti`, RFC 7523 §3): one row per digest.
extension SQLiteGrantStore {
    /// `INSERT … ON CONFLICT DO NOTHING` in an immediate transaction: the primary key lets
    /// exactly one of concurrent inserts of a digest write, in any process, and only it changes a row.
    public func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool {
        try await execute(Statements.insertOneTimeUse, Self.key {
            $0.append(digest: digest)
            $0.append(date: expiresAt)
        }) == 1
    }
}
