import Granted
import Synchronization

/// The clients a `PostgresClientStore` read recently, so that most requests authenticate their
/// client without a round trip to the database.
///
/// The store's own writes (`register`, `remove`, and the registry's `insert`, `replace` and
/// `delete`) invalidate the cache at once, in this process. Another process's writes (another
/// host, the `granted` CLI) are seen once an entry is older than `lifetime`: that is how long a
/// removed client, or a replaced secret, may still be accepted here. Only clients that exist are
/// cached (an unknown id always reads the database, so made-up ids cannot fill memory), at most
/// `capacity` of them.
final class ClientCache: Sendable {
    struct Entry {
        let client: Client
        let expires: ContinuousClock.Instant
    }

    struct State {
        var entries: [ClientID: Entry] = [:]
        /// Bumped by every invalidation: a read that started before one does not store its
        /// (possibly older) result.
        var generation: UInt64 = 0
    }

    let lifetime: Duration
    let capacity: Int
    private let state = Mutex(State())

    init(lifetime: Duration, capacity: Int = 1024) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached client if it is still fresh, and the generation to hand back to `store`.
    func lookup(_ id: ClientID) -> (client: Client?, generation: UInt64) {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[id] else { return (nil, state.generation) }
            guard entry.expires > now else {
                state.entries[id] = nil
                return (nil, state.generation)
            }
            return (entry.client, state.generation)
        }
    }

    /// Caches `client`, read from the database after `lookup` answered `generation`, unless the
    /// cache was invalidated since.
    func store(_ client: Client, generation: UInt64) {
        let expires = ContinuousClock.now + lifetime
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[client.id] == nil { state.entries.removeAll() }
            state.entries[client.id] = Entry(client: client, expires: expires)
        }
    }

    /// Forgets `id` (every client when nil); reads under way do not cache what they find.
    func invalidate(_ id: ClientID?) {
        state.withLock { state in
            state.generation &+= 1
            if let id { state.entries[id] = nil } else { state.entries.removeAll() }
        }
    }
}
