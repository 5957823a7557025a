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
        case ended(subject: Subject, clients: Set<ClientID>, families: Set<FamilyID>)
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

    /// Moves `active` to `ended`, answering what it held; an ended one stays as it is.
    public mutating func end(at now: Date) -> Ending {
        guard isActive else { return .alreadyEnded }
        state = .ended(at: now)
        return .ended(subject: subject, clients: clients, families: families)
    }

    /// When the record stops mattering (`GrantStore.purge`); nil while active.
    public var deadSince: Date? {
        if case .ended(let at) = state { at } else { nil }
    }
}
