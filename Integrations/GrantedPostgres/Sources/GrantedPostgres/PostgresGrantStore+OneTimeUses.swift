import Foundation
import Granted
import PostgresNIO

/// One-time uses (a client assertion's `jti`, RFC 7523 §3): one row per digest.
extension PostgresGrantStore {
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING digest`: the primary key lets exactly one of
    /// concurrent inserts of a digest write, and only it gets a row back.
    public func insertOnce(_ digest: Digest256, expiresAt: Date) async throws -> Bool {
        let stored = try await rows(sql.insertOneTimeUse, Self.binds {
            $0.append(digest: digest)
            $0.append(expiresAt)
        })
        return !stored.isEmpty
    }
}
