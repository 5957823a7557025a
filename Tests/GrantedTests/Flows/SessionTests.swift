import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// Sessions in the engine (Back-Channel Logout 1.0 §2.1): `sid` in every ID token of a sign-in,
/// and the record of which clients a session signed in to.
@Suite("Sessions: sid and the session record")
struct SessionTests {
    @Test("ID tokens from the code exchange and from refresh carry the session's sid")
    func sidInIDTokens() async throws {
        let op = try SignOutProvider()
        let signedIn = try await op.signIn(session: op.session(id: "s-42"))
        let sid = try op.claims(signedIn.idToken).extraClaims.first { $0.name == "sid" }?.stringValue
        #expect(sid == "s-42")
        let refreshed = try await op.refresh(try #require(signedIn.refreshToken)).jsonObject()
        let refreshedID = try #require(refreshed["id_token"] as? String)
        #expect(try op.claims(refreshedID).extraClaims.first { $0.name == "sid" }?.stringValue == "s-42")
    }

    @Test("a session without an id gives ID tokens without sid, as before")
    func noSessionID() async throws {
        let op = try SignOutProvider()
        let signedIn = try await op.signIn(session: UserSession(subject: SignOutProvider.alice, authTime: op.clock.now))
        #expect(try op.claims(signedIn.idToken).extraClaims.contains { $0.name == "sid" } == false)
    }

    @Test("the session records every client it signed in to, and the families issued in it")
    func recordsClients() async throws {
        let op = try SignOutProvider()
        let session = op.session()
        _ = try await op.signIn(.rp, session: session)
        _ = try await op.signIn(.rp2, session: session)
        let record = try #require(try await op.store.updateSession(SessionID("session-1")) { $0 })
        #expect(record.clients == [SignOutProvider.rp.clientID, SignOutProvider.rp2.clientID])
        #expect(record.families.count == 2)
        #expect(record.subject == SignOutProvider.alice && record.isActive)
    }

    @Test("concurrent approvals in one session all reach its record", arguments: 0..<20)
    func concurrentSignIns(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let op = try SignOutProvider()
        let session = op.session()
        let clients = (0..<Int.random(in: 2...12, using: &random)).map { _ in
            [SignOutProvider.rp, SignOutProvider.rp2, SignOutProvider.quiet][Int.random(in: 0...2, using: &random)]
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { _ = try await op.signIn(client, session: session) } }
            try await group.waitForAll()
        }
        let record = try #require(try await op.store.updateSession(SessionID("session-1")) { $0 })
        #expect(record.clients == Set(clients.map(\.clientID)))
        #expect(record.families.count == clients.count)
    }

    @Test("an approval in an ended session, or another user's, answers login_required")
    func approvalRefused() async throws {
        let op = try SignOutProvider()
        _ = try await op.signIn(session: op.session())
        let bobs = try await op.server.approvedRedirect(
            RequestBuilder.codeAuthorization(
                client: SignOutProvider.rp.clientID, redirectURI: SignOutProvider.rpRedirect, scope: "openid"),
            session: op.session(SignOutProvider.bob))
        #expect(bobs.error == "login_required" && bobs.code == nil)
        _ = try await op.server.signOut(SessionID("session-1"))
        let late = try await op.server.approvedRedirect(
            RequestBuilder.codeAuthorization(
                client: SignOutProvider.rp.clientID, redirectURI: SignOutProvider.rpRedirect, scope: "openid"),
            session: op.session())
        #expect(late.error == "login_required" && late.code == nil)
    }

    @Test("the session lifecycle: end reports until settled; an ended session records nothing")
    func lifecycle() {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        var session = SignInSession(id: "s", subject: "alice", createdAt: t0)
        #expect(session.signIn(to: "a", subject: "alice") == .recorded)
        #expect(session.signIn(to: "b", subject: "mallory") == .otherSubject)
        #expect(session.end(at: t0 + 1) == .ended(subject: "alice", clients: ["a"], families: []))
        // Unsettled (a sign-out that failed part-way): reported again, for the next to finish.
        #expect(session.end(at: t0 + 2) == .ended(subject: "alice", clients: ["a"], families: []))
        #expect(session.signIn(to: "b", subject: "alice") == .ended)
        #expect(session.record(family: FamilyID(uuid: UUID())) == .ended)
        #expect(session.deadSince == t0 + 1 && session.clients == ["a"])
        session.settle()
        #expect(session.end(at: t0 + 3) == .alreadyEnded)
        #expect(session.deadSince == t0 + 1 && session.clients.isEmpty && session.families.isEmpty)
        var active = SignInSession(id: "t", subject: "alice", createdAt: t0, clients: ["a"])
        active.settle()
        #expect(active.isActive && active.clients == ["a"], "an active session is not settled")
    }

    @Test("purge removes ended sessions past the cutoff and keeps active ones")
    func purge() async throws {
        let op = try SignOutProvider()
        _ = try await op.signIn(session: op.session(id: "ends"))
        _ = try await op.signIn(session: op.session(id: "stays"))
        _ = try await op.server.signOut(SessionID("ends"))
        op.clock.advance(by: 10)
        _ = try await op.store.purge(before: op.clock.now)
        #expect(try await op.store.updateSession(SessionID("ends")) { $0 } == nil)
        #expect(try await op.store.updateSession(SessionID("stays")) { $0?.isActive } == true)
    }
}


extension BasicCredentials {
    static var rp: BasicCredentials { SignOutProvider.rp }
    static var rp2: BasicCredentials { SignOutProvider.rp2 }
    static var quiet: BasicCredentials { SignOutProvider.quiet }
}
