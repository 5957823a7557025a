import Foundation
import Granted

/// `api_keys`: one row per key, keyed by `digest`, and found by `id` to revoke it.
enum APIKeyRow {
    static let columns = ["id", "subject", "name", "created_at", "state", "revoked_at", "dead_since"]

    static func bind(_ key: APIKey, into binds: inout Binds) {
        binds.append(uuid: key.id.uuid)
        binds.append(text: key.subject.rawValue)
        binds.append(text: key.name)
        binds.append(date: key.createdAt)
        if case .revoked(let at) = key.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(date: key.deadSince)
    }

    static func decode(_ read: RowReader) throws -> APIKey {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return APIKey(
            id: APIKeyID(uuid: try read.uuid("id")),
            subject: Subject(try read.text("subject")),
            name: try read.text("name"),
            createdAt: try read.date("created_at"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
