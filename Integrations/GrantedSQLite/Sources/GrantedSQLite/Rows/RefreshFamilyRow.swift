import Foundation
import Granted

/// `refresh_families`: one row per family, keyed by `id`. The current and previous generations
/// are digests; the previous one's rotation time and retry flag are NULL exactly when it is.
/// `resources` is a sorted JSON array.
enum RefreshFamilyRow {
    static let columns = [
        "client_id", "subject", "scopes", "resources", "authorization_id", "auth_time", "created_at", "expires_at",
        "current_digest", "previous_digest", "previous_rotated_at", "previous_retried", "last_used_at",
        "access_tokens_expire_by", "state", "revoked_at", "dead_since", "session_id", "key_thumbprint",
    ]

    static func bind(_ family: RefreshFamily, into binds: inout Binds) {
        binds.append(text: family.client.rawValue)
        binds.append(text: family.subject.rawValue)
        binds.append(scopes: family.scopes)
        binds.append(audience: family.resources)
        binds.append(uuid: family.authorization.uuid)
        binds.append(date: family.authTime)
        binds.append(date: family.createdAt)
        binds.append(date: family.expiresAt)
        binds.append(digest: family.current)
        binds.append(digest: family.previous?.digest)
        binds.append(date: family.previous?.rotatedAt)
        binds.append(bool: family.previous?.retried)
        binds.append(date: family.lastUsedAt)
        binds.append(date: family.accessTokensExpireBy)
        if case .revoked(let at) = family.state { binds.append(revokedAt: at) } else { binds.append(revokedAt: nil) }
        binds.append(date: family.deadSince)
        binds.append(text: family.sessionID?.rawValue)
        binds.append(text: family.keyThumbprint)
    }

    static func decode(_ read: RowReader) throws -> RefreshFamily {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        var previous: RefreshFamily.Previous?
        if let digest = try read.optionalDigest("previous_digest") {
            previous = RefreshFamily.Previous(
                digest: digest, rotatedAt: try read.date("previous_rotated_at"), retried: try read.bool("previous_retried"))
        }
        return RefreshFamily(
            id: FamilyID(uuid: try read.uuid("id")),
            client: ClientID(try read.text("client_id")),
            subject: Subject(try read.text("subject")),
            scopes: try read.scopes("scopes"),
            authorization: AuthorizationID(uuid: try read.uuid("authorization_id")),
            authTime: try read.date("auth_time"),
            createdAt: try read.date("created_at"),
            expiresAt: try read.optionalDate("expires_at"),
            current: try read.optionalDigest("current_digest"),
            accessTokensExpireBy: try read.optionalDate("access_tokens_expire_by"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active,
            previous: previous,
            lastUsedAt: try read.date("last_used_at"),
            resources: try read.audience("resources"),
            sessionID: try read.optionalText("session_id").map(SessionID.init(rawValue:)),
            keyThumbprint: try read.optionalText("key_thumbprint"))
    }
}
