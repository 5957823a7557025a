import Foundation
import Granted

/// `user_authorizations`: one row per authorization, keyed by `id`; a partial unique index keeps
/// one active row per (subject, client).
enum UserAuthorizationRow {
    static let columns = [
        "subject", "client_id", "scopes", "created_at", "updated_at", "state", "revoked_at", "dead_since",
    ]

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

    static func decode(_ read: RowReader) throws -> UserAuthorization {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return UserAuthorization(
            id: AuthorizationID(uuid: try read.uuid("id")),
            subject: Subject(try read.text("subject")),
            client: ClientID(try read.text("client_id")),
            scopes: try read.scopes("scopes"),
            at: try read.date("created_at"),
            updatedAt: try read.date("updated_at"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
