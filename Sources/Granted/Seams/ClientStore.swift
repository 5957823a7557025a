/// Where clients are registered: the host's database, a config file, or memory.
public protocol ClientStore: Sendable {
    /// The client with that id, or nil.
    func client(_ id: ClientID) async throws -> Client?
}

/// Clients held in memory; the default, and a `ClientRegistry` for dynamic registration.
public final class InMemoryClientStore: ClientRegistry {
    private struct Contents {
        var clients: [ClientID: Client]
        var registrations: [ClientID: RegisteredClient] = [:]
    }
    private let contents: ReadWriteLocked<Contents>
    public init(_ clients: [Client] = []) {
        contents = ReadWriteLocked(
            Contents(clients: Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { $1 })))
    }
    public func client(_ id: ClientID) async throws -> Client? { lookup(id) }
    public func lookup(_ id: ClientID) -> Client? { contents.read { $0.clients[id] } }
    /// Adds or replaces a configured client (one without a registration).
    public func register(_ client: Client) {
        contents.write {
            $0.clients[client.id] = client
            $0.registrations[client.id] = nil
        }
    }
    public func remove(_ id: ClientID) {
        contents.write {
            $0.clients[id] = nil
            $0.registrations[id] = nil
        }
    }

    // MARK: ClientRegistry
    public func insert(_ registration: RegisteredClient) async throws -> Bool {
        contents.write {
            guard $0.clients[registration.id] == nil else { return false }
            $0.clients[registration.id] = registration.client
            $0.registrations[registration.id] = registration
            return true
        }
    }
    public func registration(_ id: ClientID) async throws -> RegisteredClient? {
        contents.read { $0.registrations[id] }
    }
    public func replace(_ registration: RegisteredClient, expecting: Digest256) async throws -> Bool {
        contents.write {
            guard $0.registrations[registration.id]?.accessTokenDigest == expecting else { return false }
            $0.clients[registration.id] = registration.client
            $0.registrations[registration.id] = registration
            return true
        }
    }
    public func clientIDs() async throws -> [ClientID] {
        contents.read { $0.clients.keys.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) } }
    }
    public func delete(_ id: ClientID, expecting: Digest256) async throws -> Bool {
        contents.write {
            guard $0.registrations[id]?.accessTokenDigest == expecting else { return false }
            $0.clients[id] = nil
            $0.registrations[id] = nil
            return true
        }
    }
}
