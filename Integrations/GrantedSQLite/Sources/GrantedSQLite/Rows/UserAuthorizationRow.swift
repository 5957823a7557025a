import Foundation
import Granted

/// `user_authorizations`: one row per authorization, keyed by `id`; a partial unique index keeps
/// one active row per (subject, client).
enum UserAuthorizationRow {
    static let columns = [
        "subject", "client_id", "scopes", "created_at", "updated_at", "state", "revoked_at", "dead_since",
    ]

    /// The key, then `columns`: what every SELECT of an authorization lists, in this order.
    static let selected = ["id"] + columns
    /// The key by its place: NULL when a LEFT JOIN found no authorization.
    static let key = Column("id", in: selected)

    static func bind(_ authorization: UserAuthorization, into binds: inout Binds) {
        binds.append(text: authorization.subject.rawValue)
        binds.append(text: authorization.client.rawValue)
        binds.append(scopes: authorization.scopes)
        binds.append(date: authorization.createdAt)
        binds.append(date: authorization.updatedAt)
        if case .revoked(let at) = authorization.state {
            binds.append(revokedAt: at)
        } else {
            binds.append(revokedAt: nil)
        }
        binds.append(date: authorization.deadSince)
    }

    /// `decode`'s columns by their place in `selected`.
    private enum C {
        static let state = Column("state", in: selected)
        static let revokedAt = Column("revoked_at", in: selected)
        static let id = Column("id", in: selected)
        static let subject = Column("subject", in: selected)
        static let clientID = Column("client_id", in: selected)
        static let scopes = Column("scopes", in: selected)
        static let createdAt = Column("created_at", in: selected)
        static let updatedAt = Column("updated_at", in: selected)
    }

    static func decode(_ read: RowReader) throws -> UserAuthorization {
        let revokedAt = try read.revocable(state: C.state, at: C.revokedAt)
        return UserAuthorization(
            id: AuthorizationID(uuid: try read.uuid(C.id)),
            subject: Subject(try read.text(C.subject)),
            client: ClientID(try read.text(C.clientID)),
            scopes: try read.scopes(C.scopes),
            at: try read.date(C.createdAt),
            updatedAt: try read.date(C.updatedAt),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
