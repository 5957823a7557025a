import Foundation
import Granted
import PostgresNIO

/// `sessions`: one row per session, keyed by `id`. The clients and families are sorted arrays;
/// `ended_at` and `dead_since` are NULL while the session is active.
enum SignInSessionRow {
    static let columns = ["subject", "created_at", "client_ids", "family_ids", "ended_at", "dead_since"]

    static func bind(_ session: SignInSession, into binds: inout PostgresBindings) {
        binds.append(session.subject.rawValue)
        binds.append(session.createdAt)
        binds.append(session.clients.map(\.rawValue).sorted())
        binds.append(session.families.map(\.uuid).sorted { $0.uuidString < $1.uuidString })
        binds.append(session.deadSince)
        binds.append(session.deadSince)
    }

    static func decode(_ read: RowReader) throws -> SignInSession {
        let endedAt = try read("ended_at", as: Date?.self)
        return SignInSession(
            id: SessionID(try read("id", as: String.self)),
            subject: Subject(try read("subject", as: String.self)),
            createdAt: try read("created_at"),
            clients: Set(try read("client_ids", as: [String].self).map { ClientID($0) }),
            families: Set(try read("family_ids", as: [UUID].self).map { FamilyID(uuid: $0) }),
            state: endedAt.map { .ended(at: $0) } ?? .active)
    }
}
