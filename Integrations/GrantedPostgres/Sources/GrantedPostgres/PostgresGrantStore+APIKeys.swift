import Foundation
import Granted
import PostgresNIO

/// Per-user API keys, and housekeeping.
extension PostgresGrantStore {
    /// Keeps the stored key when the digest (or id) is already there: importing a fixture's key
    /// at every start never revives one that was revoked.
    public func insert(_ key: APIKey, at digest: Digest256) async throws {
        _ = try await rows(sql.insertAPIKey, Self.binds(key: { $0.append(digest: digest) }, key, APIKeyRow.bind))
    }

    public func apiKey(at digest: Digest256) async throws -> APIKey? {
        let found = try await rows(sql.apiKey, Self.binds { $0.append(digest: digest) })
        return try records(found, table: sql.apiKeys, APIKeyRow.decode).first
    }

    public func apiKeys(of subject: Subject) async throws -> [APIKey] {
        let found = try await rows(sql.apiKeysOfSubject, Self.binds { $0.append(subject.rawValue) })
        return try records(found, table: sql.apiKeys, APIKeyRow.decode)
    }

    public func updateAPIKey<Outcome: Sendable>(
        _ id: APIKeyID, _ transition: @Sendable (inout APIKey) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.apiKeyUpdate, table: sql.apiKeys, key: { $0.append(id.uuid) },
            decode: APIKeyRow.decode, bind: APIKeyRow.bind, transition)
    }

    /// One statement: every table's dead rows, roots first, counted together.
    public func purge(before cutoff: Date) async throws -> Int {
        let found = try await rows(sql.purge, Self.binds { $0.append(cutoff) })
        return try found.first.map { try $0.decode(Int.self) } ?? 0
    }
}
