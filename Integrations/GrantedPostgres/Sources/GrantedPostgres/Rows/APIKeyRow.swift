import Foundation
import Granted
import PostgresNIO

/// `api_keys`: one row per key, keyed by `digest`, and found by `id` to revoke it.
enum APIKeyRow {
    static let columns = ["id", "subject", "name", "created_at", "state", "revoked_at", "dead_since"]

    static func bind(_ key: APIKey, into binds: inout PostgresBindings) {
        binds.append(key.id.uuid)
        binds.append(key.subject.rawValue)
        binds.append(key.name)
        binds.append(key.createdAt)
        if case .revoked(let at) = key.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(key.deadSince)
    }

    static func decode(_ read: RowReader) throws -> APIKey {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return APIKey(
            id: APIKeyID(uuid: try read("id")),
            subject: Subject(try read("subject", as: String.self)),
            name: try read("name"),
            createdAt: try read("created_at"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
