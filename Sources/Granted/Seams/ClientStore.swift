

/// Where clients are registered: the host's database, a config file, or memory.
public protocol ClientStore: Sendable {
    /// The client with that id, or nil.
    func client(_ id: ClientID) async throws -> Client?
}

/// Clients held in memory; the default.
public final class InMemoryClientStore: ClientStore {
    private let clients: ReadWriteLocked<[ClientID: Client]>
    public init(_ clients: [Client] = []) {
        self.clients = ReadWriteLocked(Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { $1 }))
    }
    public func client(_ id: ClientID) async throws -> Client? { lookup(id) }
    public func lookup(_ id: ClientID) -> Client? { clients.read { $0[id] } }
    public func register(_ client: Client) { clients.write { $0[client.id] = client } }
    public func remove(_ id: ClientID) { clients.write { $0[id] = nil } }
}
