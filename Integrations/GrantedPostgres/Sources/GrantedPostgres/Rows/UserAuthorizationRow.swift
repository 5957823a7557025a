import Foundation
import Granted
import PostgresNIO

/// `user_authorizations`: one row per authorization, keyed by `id`; a partial unique index keeps
/// one active row per (subject, client).
enum UserAuthorizationRow {
    static let columns = [
        "subject", "client_id", "scopes", "created_at", "updated_at", "state", "revoked_at", "dead_since",
    ]

    static func bind(_ authorization: UserAuthorization, into binds: inout PostgresBindings) {
        binds.append(authorization.subject.rawValue)
        binds.append(authorization.client.rawValue)
        binds.append(scopes: authorization.scopes)
        binds.append(authorization.createdAt)
        binds.append(authorization.updatedAt)
        if case .revoked(let at) = authorization.state {
            binds.append(revokedAt: at)
        } else {
            binds.append(revokedAt: nil)
        }
        binds.append(authorization.deadSince)
    }

    static func decode(_ read: RowReader) throws -> UserAuthorization {
        let revokedAt = try read.revocable(state: "state", at: "revoked_at")
        return UserAuthorization(
            id: AuthorizationID(uuid: try read("id")),
            subject: Subject(try read("subject", as: String.self)),
            client: ClientID(try read("client_id", as: String.self)),
            scopes: try read.scopes("scopes"),
            at: try read("created_at"),
            updatedAt: try read("updated_at"),
            state: revokedAt.map { .revoked(at: $0) } ?? .active)
    }
}
