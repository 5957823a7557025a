import Foundation
import Granted
import PostgresNIO

/// `refresh_families`: one row per family, keyed by `id`. The current and previous generations
/// are digests; the previous one's rotation time and retry flag are NULL exactly when it is.
/// `resources` is a sorted `text[]`.
enum RefreshFamilyRow {
    static let columns = [
        "client_id", "subject", "scopes", "resources", "authorization_id", "auth_time", "created_at", "expires_at",
        "current_digest", "previous_digest", "previous_rotated_at", "previous_retried", "last_used_at",
        "access_tokens_expire_by", "state", "revoked_at", "dead_since", "session_id", "key_thumbprint",
    ]

    static func bind(_ family: RefreshFamily, into binds: inout PostgresBindings) {
        binds.append(family.client.rawValue)
        binds.append(family.subject.rawValue)
        binds.append(scopes: family.scopes)
        binds.append(audience: family.resources)
        binds.append(family.authorization.uuid)
        binds.append(family.authTime)
        binds.append(family.createdAt)
        binds.append(family.expiresAt)
        binds.append(digest: family.current)
        binds.append(digest: family.previous?.digest)
        binds.append(family.previous?.rotatedAt)
        binds.append(family.previous?.retried)
        binds.append(family.lastUsedAt)
        binds.append(family.accessTokensExpireBy)
        if case .revoked(let at) = family.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(family.deadSince)
        binds.append(family.sessionID?.rawValue)
        binds.append(family.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> RefreshFamily {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        var previous: RefreshFamily.Previous?
        if let digest = try read.optionalDigest("previous_digest") {
            guard let rotatedAt = try read("previous_rotated_at", as: Date?.self) else {
                throw read.corrupt("previous_rotated_at")
            }
            guard let retried = try read("previous_retried", as: Bool?.self) else {
                throw read.corrupt("previous_retried")
            }
            previous = RefreshFamily.Previous(digest: digest, rotatedAt: rotatedAt, retried: retried)
        }
        return RefreshFamily(
            id: FamilyID(uuid: try read("id")),
            client: ClientID(try read("client_id", as: String.self)),
            subject: Subject(try read("subject", as: String.self)),
            scopes: try read.scopes("scopes"),
            authorization: AuthorizationID(uuid: try read("authorization_id")),
            authTime: try read("auth_time"),
            createdAt: try read("created_at"),
            expiresAt: try read("expires_at"),
            current: try read.optionalDigest("current_digest"),
            accessTokensExpireBy: try read("access_tokens_expire_by"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active,
            previous: previous,
            lastUsedAt: try read("last_used_at"),
            resources: try read.audience("resources"),
            sessionID: try read("session_id", as: String?.self).map { SessionID($0) },
            keyThumbprint: try read("key_thumbprint"))
    }
}
