import Foundation
import Granted

/// Session records (Back-Channel Logout 1.0 §2.1): whom sign-out tells, kept atomically.
extension GrantStoreContract {
    static func session(_ id: SessionID = "s-1", clients: Set<ClientID> = [], families: Set<FamilyID> = [])
        -> SignInSession
    {
        SignInSession(id: id, subject: "alice", createdAt: Records.t0, clients: clients, families: families)
    }

    /// A session comes back whole, empty sets included; an unknown one is nil and stays absent.
    public static func sessionRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let full = session(
            clients: ["web-app", "other-app"], families: [FamilyID(uuid: UUID()), FamilyID(uuid: UUID())])
        try expect(try await store.updateSession("s-1") { $0 == nil ? true : false }, "absent at first")
        try await store.updateSession("s-1") { $0 = full }
        let stored: SignInSession? = try await store.updateSession("s-1") { $0 }
        try expectEqual(stored, full, "full session")
        try await store.updateSession("s-2") { $0 = session("s-2") }
        let empty: SignInSession? = try await store.updateSession("s-2") { $0 }
        try expectEqual(empty, session("s-2"), "empty session")
        try expect(try await store.updateSession("s-3") { $0 } == nil, "an unknown session answers nil")
        try expect(try await store.updateSession("s-3") { $0 } == nil, "reading creates nothing")
    }

    /// Of concurrent first sign-ins exactly one creates the session, and every client and family
    /// any of them added is kept.
    public static func sessionConcurrentSignIns(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let clients = (0..<24).map { ClientID("client-\($0)") }
        let families = clients.map { _ in FamilyID(uuid: UUID()) }
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for (client, family) in zip(clients, families) {
                group.addTask {
                    try await store.updateSession("s-1") { record -> Bool in
                        let creates = record == nil
                        if creates { record = session() }
                        _ = record?.signIn(to: client, subject: "alice")
                        _ = record?.record(family: family)
                        return creates
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expectEqual(created, 1, "sessions created")
        let stored = try await store.updateSession("s-1") { $0 }
        try expectEqual(stored?.clients, Set(clients), "every client kept")
        try expectEqual(stored?.families, Set(families), "every family kept")
    }

    /// Ending is kept; an ended session records nothing more, and reports what it held until it
    /// is settled, then nothing (a sign-out that failed part-way is finished by the next).
    public static func sessionEnd(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        try await store.updateSession("s-1") { $0 = session(clients: ["web-app"]) }
        let first = try await store.updateSession("s-1") { $0?.end(at: Records.t0 + 10) }
        try expectEqual(first, .ended(subject: "alice", clients: ["web-app"], families: []), "first end")
        try expectEqual(
            try await store.updateSession("s-1") { $0?.signIn(to: "other-app", subject: "alice") }, .ended, "sign-in after")
        let unsettled = try await store.updateSession("s-1") { $0?.end(at: Records.t0 + 20) }
        try expectEqual(unsettled, first, "an unsettled end reports again")
        try await store.updateSession("s-1") { $0?.settle() }
        let settled = try await store.updateSession("s-1") { $0?.end(at: Records.t0 + 30) }
        try expectEqual(settled, .alreadyEnded, "a settled end")
        try expectEqual(try await store.updateSession("s-1") { $0?.state }, .ended(at: Records.t0 + 10), "kept ended")
        try expectEqual(try await store.updateSession("s-1") { $0?.clients }, [], "settled clients kept empty")
    }

    /// A sign-in racing the end of its session: either the end reports the client (it signed in
    /// first) or the sign-in reports `ended`, never both and never neither, in every round.
    public static func sessionEndRacesSignIn(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        for round in 0..<16 {
            let id = SessionID("race-\(round)")
            try await store.updateSession(id) { $0 = session(id, clients: ["web-app"]) }
            async let ending = store.updateSession(id) { $0?.end(at: Records.t0 + 10) }
            async let recording = store.updateSession(id) { $0?.signIn(to: "late-app", subject: "alice") }
            let (ended, recorded) = try await (ending, recording)
            guard case .ended(_, let clients, _)? = ended else { throw ContractFailure("round \(round): not ended") }
            try expect(
                clients.contains("late-app") == (recorded == .recorded) && (recorded == .recorded || recorded == .ended),
                "round \(round): end reported \(clients.sorted { $0.rawValue < $1.rawValue }), sign-in \(String(describing: recorded))")
            let stored = try await store.updateSession(id) { $0?.clients }
            try expectEqual(stored, clients, "round \(round): stored clients")
        }
    }

    /// Purge deletes ended sessions strictly before the cutoff, each counting one; active ones stay.
    public static func purgeEndedSessions(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        for id: SessionID in ["old", "edge", "live"] { try await store.updateSession(id) { $0 = session(id) } }
        _ = try await store.updateSession("old") { $0?.end(at: Records.t0) }
        _ = try await store.updateSession("edge") { $0?.end(at: Records.t0 + 100) }
        try expectEqual(try await store.purge(before: Records.t0 + 100), 1, "purged")
        try expect(try await store.updateSession("old") { $0 } == nil, "old ended session deleted")
        try expect(try await store.updateSession("edge") { $0 } != nil, "ended at the cutoff kept")
        try expect(try await store.updateSession("live") { $0?.isActive } == true, "active kept")
        try expectEqual(try await store.purge(before: Records.t0 + 100), 0, "second purge")
    }
}
