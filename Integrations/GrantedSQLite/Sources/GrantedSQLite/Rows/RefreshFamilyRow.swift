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

    /// The key, then `columns`: what every SELECT of a family lists, in this order.
    static let selected = ["id"] + columns
    /// The key by its place: NULL when a LEFT JOIN found no family.
    static let key = Column("id", in: selected)

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

    /// `decode`'s columns by their place in `selected`.
    private enum C {
        static let state = Column("state", in: selected)
        static let revokedAt = Column("revoked_at", in: selected)
        static let previousDigest = Column("previous_digest", in: selected)
        static let previousRotatedAt = Column("previous_rotated_at", in: selected)
        static let previousRetried = Column("previous_retried", in: selected)
        static let id = Column("id", in: selected)
        static let clientID = Column("client_id", in: selected)
        static let subject = Column("subject", in: selected)
        static let scopes = Column("scopes", in: selected)
        static let authorizationID = Column("authorization_id", in: selected)
        static let authTime = Column("auth_time", in: selected)
        static let createdAt = Column("created_at", in: selected)
        static let expiresAt = Column("expires_at", in: selected)
        static let currentDigest = Column("current_digest", in: selected)
        static let accessTokensExpireBy = Column("access_tokens_expire_by", in: selected)
        static let lastUsedAt = Column("last_used_at", in: selected)
        static let resources = Column("resources", in: selected)
        static let sessionID = Column("session_id", in: selected)
        static let keyThumbprint = Column("key_thumbprint", in: selected)
    }

    static func decode(_ read: RowReader) throws -> RefreshFamily {
        let revokedAt = try read.revocable(state: C.state, at: C.revokedAt)
        var previous: RefreshFamily.Previous?
        if let digest = try read.optionalDigest(C.previousDigest) {
            previous = RefreshFamily.Previous(
                digest: digest, rotatedAt: try read.date(C.previousRotatedAt), retried: try read.bool(C.previousRetried))
        }
        return RefreshFamily(
            id: FamilyID(uuid: try read.uuid(C.id)),
            client: ClientID(try read.text(C.clientID)),
            subject: Subject(try read.text(C.subject)),
            scopes: try read.scopes(C.scopes),
            authorization: AuthorizationID(uuid: try read.uuid(C.authorizationID)),
            authTime: try read.date(C.authTime),
            createdAt: try read.date(C.createdAt),
            expiresAt: try read.optionalDate(C.expiresAt),
            current: try read.optionalDigest(C.currentDigest),
            accessTokensExpireBy: try read.optionalDate(C.accessTokensExpireBy),
            state: revokedAt.map { .revoked(at: $0) } ?? .active,
            previous: previous,
            lastUsedAt: try read.date(C.lastUsedAt),
            resources: try read.audience(C.resources),
            sessionID: try read.optionalText(C.sessionID).map(SessionID.init(rawValue:)),
            keyThumbprint: try read.optionalText(C.keyThumbprint))
    }
}
