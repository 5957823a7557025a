import Foundation
import Granted

/// `sessions`: one row per session (Back-Channel Logout 1.0 §2.1), keyed by `id`. The clients and
/// families are sorted JSON arrays; `ended_at` and `dead_since` are NULL while it is active.
enum SignInSessionRow {
    static let columns = ["subject", "created_at", "client_ids", "family_ids", "ended_at", "dead_since"]

    static func bind(_ session: SignInSession, into binds: inout Binds) {
        binds.append(text: session.subject.rawValue)
        binds.append(date: session.createdAt)
        binds.append(strings: session.clients.map(\.rawValue))
        binds.append(strings: session.families.map(\.uuid.uuidString))
        binds.append(date: session.deadSince)
        binds.append(date: session.deadSince)
    }

    static func decode(_ read: RowReader) throws -> SignInSession {
        var families: Set<FamilyID> = []
        for text in try read.strings("family_ids") {
            guard let uuid = UUID(uuidString: text) else { throw read.corrupt("family_ids") }
            families.insert(FamilyID(uuid: uuid))
        }
        return SignInSession(
            id: SessionID(try read.text("id")),
            subject: Subject(try read.text("subject")),
            createdAt: try read.date("created_at"),
            clients: Set(try read.strings("client_ids").map { ClientID($0) }),
            families: families,
            state: try read.optionalDate("ended_at").map { .ended(at: $0) } ?? .active)
    }
}
