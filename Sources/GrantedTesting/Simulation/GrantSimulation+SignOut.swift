import Foundation
import Granted

/// What the model knows of the users' sessions (Back-Channel Logout 1.0 §2.1): approvals draw a
/// session from a few per subject; sign-out ends one, and a new one takes its place.
struct SimulatedSessions: Sendable {
    /// What the store holds of one session the model saw recorded.
    struct Record: Sendable {
        let subject: Subject
        /// The clients (indices into `clients`) its approvals signed in to.
        var clients: Set<Int> = []
        var endedAt: Date?
        /// A sign-out ended it but could not settle it: the next one tells the clients again.
        var unsettled = false
    }

    /// The sessions each subject may approve in.
    static let slots = 2

    /// Per subject and slot, how many sessions that slot ended (its current id's generation).
    var generations: [String: Int] = [:]
    var records: [SessionID: Record] = [:]
    /// The session each code was approved in.
    var codeSessions: [String: SessionID] = [:]
    /// Sign-out steps that told at least one client.
    var deliveringSignOuts = 0

    func current(_ subject: Subject, slot: Int) -> SessionID {
        SessionID("\(subject.rawValue)-\(slot)-\(generations["\(subject.rawValue)/\(slot)", default: 0])")
    }
}

/// The sign-out step (RP-Initiated Logout 1.0 §2; Back-Channel Logout 1.0 §2.5-§2.7) and what
/// approvals and exchanges learn from sessions.
extension GrantSimulation {
    /// The key the simulation's server signs logout tokens with (HS256, from the seed).
    static func logoutSigner(seed: UInt64) -> HS256Signer? {
        var random = SplitMix64(seed: seed ^ 0x1060_0071_1060_0071)
        return try? HS256Signer(key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }, keyID: "sim")
    }

    /// How many sign-out steps told at least one client.
    public var deliveringSignOuts: Int { model.sessions.deliveringSignOuts }

    /// The session an approval of `subject` happens in: one of a few per subject.
    mutating func approvalSession(_ subject: Subject) -> UserSession {
        UserSession(subject: subject, authTime: now, id: model.sessions.current(subject, slot: index(SimulatedSessions.slots)))
    }

    /// An approval issued `code` in `session`: the session records the client.
    mutating func signedIn(_ session: UserSession, client: Int, code: String) {
        guard let id = session.id else { return }
        model.sessions.records[id, default: .init(subject: session.subject)].clients.insert(client)
        model.sessions.codeSessions[code] = id
    }

    /// A faulted approval in `session`: the store recorded the client or not; the model reads which.
    mutating func reconcileSession(_ session: UserSession, client: Int) async {
        guard let id = session.id else { return }
        let action = "approve in a session (after a store fault)"
        do {
            let stored = try await store.wrapped.updateSession(id) { $0 }
            let before = model.sessions.records[id]?.clients ?? []
            guard let stored else {
                check(before.isEmpty, action, expected: "the session kept", actual: "none")
                return
            }
            let recorded = Set(clients.indices.filter { stored.clients.contains(clients[$0].client.id) })
            guard check(
                stored.isActive && before.isSubset(of: recorded) && recorded.isSubset(of: before.union([client])), action,
                expected: "active, clients between \(before) and \(before.union([client]))", actual: "\(stored)")
            else { return }
            model.sessions.records[id, default: .init(subject: session.subject)].clients = recorded
        } catch {
            diverged(action, expected: "the store readable", actual: "\(error)")
        }
    }

    /// Whether exchanging `code` now is refused because the session it was approved in ended:
    /// the record says so, or a purge deleted it after it ended (the approval recorded it).
    /// Whatever the policy: the client was told the session ended (Back-Channel Logout 1.0 §2.7).
    func sessionEnded(_ code: String) -> Bool {
        guard let id = model.sessions.codeSessions[code] else { return false }
        return model.sessions.records[id].map { $0.endedAt != nil } ?? true
    }

    /// Ends a session: mostly a current one, now and then one that ended before. Faults armed as
    /// elsewhere; a call that fails is retried, and the retry must finish the sign-out.
    mutating func signOut() async {
        let ended = model.sessions.records.filter { $0.value.endedAt != nil }.keys.sorted { $0.rawValue < $1.rawValue }
        let subject = element(Model.subjects)
        let slot = index(SimulatedSessions.slots)
        let current = model.sessions.current(subject, slot: slot)
        let id = !ended.isEmpty && chance(20) ? element(ended) : current
        let record = model.sessions.records[id]
        let action = "sign out \(id.rawValue)"
        // Who must be told: a session that was live, or one a sign-out left unsettled.
        let tells = record.map { $0.endedAt == nil || $0.unsettled } ?? false
        // A fault only where there is work to interrupt: ending, revoking, settling.
        if tells { maybeArmFault() }
        var outcome: SignOut
        do {
            outcome = try await server.signOut(id)
        } catch {
            guard store.disarm() != nil else { return diverged(action, expected: "a sign-out", actual: "\(error)") }
            do { outcome = try await server.signOut(id) } catch {
                return diverged(action + " (again, after a store fault)", expected: "a sign-out", actual: "\(error)")
            }
        }
        let faulted = store.disarm() != nil
        let expected =
            tells
            ? (record?.clients ?? []).filter { clients[$0].client.backchannelLogoutURI != nil }
                .map { clients[$0].client.id }.sorted { $0.rawValue < $1.rawValue } : []
        guard check(
            outcome.session == (tells ? id : nil) && outcome.deliveries.map(\.client) == expected, action,
            expected: "session \(tells ? id.rawValue : "none"), deliveries to \(expected)",
            actual: "session \(outcome.session?.rawValue ?? "none"), deliveries to \(outcome.deliveries.map(\.client))")
        else { return }
        for delivery in outcome.deliveries {
            guard checkDelivery(delivery, session: id, subject: record?.subject, action: action) else { return }
        }
        if !outcome.deliveries.isEmpty { model.sessions.deliveringSignOuts += 1 }
        if let record, tells {
            if policy.signOutRevokesRefreshTokens {
                for code in model.codes where model.sessions.codeSessions[code.value] == id {
                    if let f = code.family { model.families[f].revoked = true }
                }
            }
            let endedAt = record.endedAt ?? now
            model.sessions.records[id]?.endedAt = endedAt
        }
        if id == current {
            model.sessions.generations["\(subject.rawValue)/\(slot)", default: 0] += 1
        }
        guard let record else { return }
        // Only a fault on the last call (settling) may leave it for the next sign-out.
        do {
            let unsettled = try await store.wrapped.updateSession(id) { $0.map { !$0.clients.isEmpty || !$0.families.isEmpty } }
            guard check(
                unsettled != nil && (unsettled == false || faulted), action, expected: "the session kept, settled",
                actual: unsettled == nil ? "gone" : "unsettled")
            else { return }
            model.sessions.records[id]?.unsettled = unsettled ?? false
        } catch {
            return diverged(action, expected: "the store readable", actual: "\(error)")
        }
        await checkSignedOut(id, subject: record.subject, action: action)
    }

    /// The logout token is one the client accepts (§2.6), naming this session and its user.
    mutating func checkDelivery(
        _ delivery: BackChannelLogoutDelivery, session: SessionID, subject: Subject?, action: String
    ) -> Bool {
        guard let signer = Self.logoutSigner(seed: seed),
            let client = clients.first(where: { $0.client.id == delivery.client })
        else { return check(false, action, expected: "a known client", actual: "\(delivery.client)") }
        let token = try? LogoutToken.validate(
            delivery.logoutToken, issuer: server.issuer, clientID: delivery.client, algorithm: .hs256,
            verifiers: [signer], now: now)
        return check(
            token?.sessionID == session && token?.subject == subject && delivery.uri == client.client.backchannelLogoutURI,
            action, expected: "a logout token for \(session.rawValue) to \(client.client.backchannelLogoutURI ?? "")",
            actual: "\(token.map(String.init(describing:)) ?? "an invalid token") to \(delivery.uri)")
    }

    /// After sign-out, `prompt=none` in the session answers `login_required`, and so does an
    /// approval in it (RP-Initiated Logout 1.0 §2): the session approves nothing more.
    mutating func checkSignedOut(_ id: SessionID, subject: Subject, action: String) async {
        let client = clients[index(clients.count)]
        let request = RequestBuilder.authorize(
            RequestBuilder.codeRequestParameters(
                client: client.client.id, redirectURI: client.redirectURI, state: "s\(step)",
                challenge: PKCEPair.random(using: &random), extra: [("prompt", "none")]))
        guard case .valid(let validated) = await server.validate(request) else {
            return diverged(action, expected: "a valid prompt=none request", actual: "refused")
        }
        let session = UserSession(subject: subject, authTime: now, id: id)
        let interaction = await server.interaction(for: validated, session: session)
        guard case .reject(_, .loginRequired) = interaction else {
            return diverged(action, expected: "prompt=none: login_required", actual: "\(interaction)")
        }
        let redirect = try? AuthorizationRedirect(await server.approve(validated, session: session))
        check(
            redirect?.error == "login_required" && redirect?.code == nil, action,
            expected: "an approval in it: login_required", actual: String(describing: redirect?.parameters))
    }

    /// After a purge, the ended sessions it deleted are unknown to the store again (`faulted`:
    /// the purge may or may not have run; the model reads which).
    mutating func purgeSessions(before cutoff: Date, faulted: Bool) async {
        for (id, record) in model.sessions.records {
            guard let endedAt = record.endedAt else { continue }
            if faulted {
                do {
                    if try await store.wrapped.updateSession(id, { $0 }) == nil {
                        guard check(endedAt < cutoff, "purge (after a store fault)", expected: "\(id) kept", actual: "deleted")
                        else { return }
                        model.sessions.records[id] = nil
                    }
                } catch {
                    return diverged("purge (after a store fault)", expected: "the store readable", actual: "\(error)")
                }
            } else if endedAt < cutoff {
                model.sessions.records[id] = nil
            }
        }
    }
}
