import Foundation

/// What the server keeps of one user session (Back-Channel Logout 1.0 §2.1, §2.7): the clients it
/// signed in to, whom sign-out must tell, and the refresh token families issued in it, which
/// sign-out may revoke. Stored under its `SessionID`; ended sessions stay until `purge`, so a
/// late approval or code exchange in one is recognised.
public struct SignInSession: Sendable, Hashable, Codable {
    public enum State: Sendable, Hashable, Codable {
        case active
        case ended(at: Date)
    }

    /// What `signIn(to:)` and `record(family:)` found.
    public enum Recording: Sendable, Hashable {
        case recorded
        /// The session ended: nothing new may be issued in it (RP-Initiated Logout 1.0 §2).
        case ended
        /// The session is another user's: the host named a session it does not hold.
        case otherSubject
    }

    /// What `end(at:)` found: whom to tell, and what to revoke.
    public enum Ending: Sendable, Hashable {
        /// Ended now, or ended by a sign-out that did not finish (nothing `settle`d it).
        case ended(subject: Subject, clients: Set<ClientID>, families: Set<FamilyID>)
        /// Ended, and the sign-out that ended it finished: nothing is left to do.
        case alreadyEnded
    }

    public let id: SessionID
    public let subject: Subject
    public let createdAt: Date
    /// Every client an approval in this session issued to.
    public private(set) var clients: Set<ClientID>
    /// Every refresh token family a code exchange in this session started.
    public private(set) var families: Set<FamilyID>
    public private(set) var state: State

    /// A session as a store kept it, or a new one (`clients` and `families` empty, active).
    public init(
        id: SessionID, subject: Subject, createdAt: Date, clients: Set<ClientID> = [],
        families: Set<FamilyID> = [], state: State = .active
    ) {
        self.id = id
        self.subject = subject
        self.createdAt = createdAt
        self.clients = clients
        self.families = families
        self.state = state
    }

    public var isActive: Bool { state == .active }

    /// Adds `client` to an active session of `subject`; reports any other case unchanged.
    public mutating func signIn(to client: ClientID, subject: Subject) -> Recording {
        guard subject == self.subject else { return .otherSubject }
        guard isActive else { return .ended }
        clients.insert(client)
        return .recorded
    }

    /// Adds `family` to an active session; an ended one is reported, unchanged.
    public mutating func record(family: FamilyID) -> Recording {
        guard isActive else { return .ended }
        families.insert(family)
        return .recorded
    }

    /// Moves `active` to `ended`, answering what it held. An ended one stays as it is (ended
    /// when it first ended), and answers what it held again until `settle` empties it, so a
    /// sign-out that failed part-way can be finished by the next (Back-Channel Logout 1.0 §2.5).
    public mutating func end(at now: Date) -> Ending {
        if isActive {
            state = .ended(at: now)
        } else if clients.isEmpty && families.isEmpty {
            return .alreadyEnded
        }
        return .ended(subject: subject, clients: clients, families: families)
    }

    /// Forgets whom an ended session must tell and what it must revoke, once a sign-out did both;
    /// an active session is left as it is.
    public mutating func settle() {
        guard !isActive else { return }
        clients = []
        families = []
    }

    /// When the record stops mattering (`GrantStore.purge`); nil while active.
    public var deadSince: Date? {
        if case .ended(let at) = state { at } else { nil }
    }
}
