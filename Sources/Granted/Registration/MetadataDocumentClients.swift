import Foundation

/// A `ClientStore` that also knows every client identified by a metadata document
/// (draft-ietf-oauth-client-id-metadata-document): a `client_id` that is a client identifier URL
/// is looked up in `registered` first (a pre-registered URL wins, §7.2), then in a cache, then
/// fetched through the host's `source`, validated, and cached as long as its response allows
/// (§5.2). Every other `client_id` goes to `registered` alone.
///
/// A failed fetch or an invalid document answers nil, as an unknown client does: `invalid_client`
/// at the token endpoint, the never-redirected error page at the authorization endpoint (§5.1;
/// RFC 6749 §4.1.2.1). Neither is cached (§5.2), so the host should rate-limit fetches.
///
/// ```swift
/// let clients = MetadataDocumentClients(registered: fileClients, source: HTTPDocumentSource(), clock: clock)
/// let server = AuthorizationServer(issuer: issuer, clients: clients, clock: clock)
/// ```
public final class MetadataDocumentClients: ClientStore {
    /// Bounds on documents and on how long they are reused: a deployment's choice (§5.2 lets the
    /// server bound the lifetime the response asks for).
    public struct Rules: Sendable, Hashable {
        /// The longest document read (§8.7: 5 kilobytes).
        public var documentSizeLimit = ClientMetadataDocument.defaultSizeLimit
        /// How long a document is reused when its response says nothing.
        public var defaultLifetime: TimeInterval = 300
        /// A shorter `max-age` is raised to this, so one client cannot make every request a
        /// fetch (`no-store` is still obeyed).
        public var minimumLifetime: TimeInterval = 60
        /// A longer `max-age` is lowered to this, so a changed document is seen within a day (§5).
        public var maximumLifetime: TimeInterval = 24 * 3600
        /// How many documents are kept; past it the one closest to expiry goes first.
        public var cacheCapacity = 1024

        public init() {}

        /// The instant a document fetched at `now` stops being reused; nil: never stored.
        func expiry(of freshness: FetchedClientMetadataDocument.Freshness, at now: Date) -> Date? {
            switch freshness {
            case .noStore: nil
            case .unspecified: now + min(max(defaultLifetime, 0), maximumLifetime)
            case .lifetime(let seconds): now + min(max(seconds, minimumLifetime), maximumLifetime)
            }
        }
    }

    /// Why the last lookup of a URL found no client, for the host's logs.
    public enum Failure: Error, Sendable, Hashable {
        case fetchFailed
        case invalidDocument(ClientMetadataDocument.Problem)
    }

    public let registered: any ClientStore
    public let source: any ClientMetadataDocumentSource
    public let clock: any WallClock
    public let rules: Rules
    private let cache: Locked<[String: Entry]>
    /// The URLs being fetched, each with the lookups waiting for its answer.
    private let pending: Locked<[String: [CheckedContinuation<Result<Client, Failure>?, Never>]]>

    private struct Entry {
        var client: Client
        var expiresAt: Date
    }

    public init(
        registered: any ClientStore = InMemoryClientStore(), source: any ClientMetadataDocumentSource,
        clock: any WallClock = SystemClock(), rules: Rules = Rules()
    ) {
        self.registered = registered
        self.source = source
        self.clock = clock
        self.rules = rules
        self.cache = Locked([:])
        self.pending = Locked([:])
    }

    public func client(_ id: ClientID) async throws -> Client? {
        if let client = try await registered.client(id) { return client }
        guard let url = ClientIdentifierURL(id.rawValue) else { return nil }
        return try? await resolve(url).get()
    }

    /// The client at `url`: from the cache while fresh, else fetched and validated. Does not
    /// consult `registered`. One fetch per URL at a time: lookups that arrive meanwhile wait for
    /// its answer instead of fetching too.
    public func resolve(_ url: ClientIdentifierURL) async -> Result<Client, Failure> {
        while true {
            if let cached = cache.withLock({ $0[url.rawValue] }), clock.now < cached.expiresAt {
                return .success(cached.client)
            }
            let leads = pending.withLock { pending in
                guard pending[url.rawValue] == nil else { return false }
                pending[url.rawValue] = []
                return true
            }
            if leads {
                let result = await fetch(url)
                let waiting = pending.withLock { $0.removeValue(forKey: url.rawValue) } ?? []
                for waiter in waiting { waiter.resume(returning: result) }
                return result
            }
            // Nil: the fetch ended before this lookup could wait for it; look again.
            let answer: Result<Client, Failure>? = await withCheckedContinuation { continuation in
                let waits = pending.withLock { pending in
                    guard pending[url.rawValue] != nil else { return false }
                    pending[url.rawValue, default: []].append(continuation)
                    return true
                }
                if !waits { continuation.resume(returning: nil) }
            }
            if let answer { return answer }
        }
    }

    /// Asks the source, validates, and caches a valid document as its freshness allows (§5.2).
    private func fetch(_ url: ClientIdentifierURL) async -> Result<Client, Failure> {
        let fetched: FetchedClientMetadataDocument
        do {
            fetched = try await source.document(at: url, limit: rules.documentSizeLimit)
        } catch {
            return .failure(.fetchFailed)
        }
        let document: ClientMetadataDocument
        do {
            document = try ClientMetadataDocument(fetched, from: url, sizeLimit: rules.documentSizeLimit)
        } catch {
            // §5.2: an error or an invalid document is never cached; a stale entry goes too.
            cache.withLock { $0[url.rawValue] = nil }
            return .failure(.invalidDocument(error))
        }
        let client = document.client
        store(client, at: url, expiresAt: rules.expiry(of: fetched.freshness, at: clock.now))
        return .success(client)
    }

    /// How many lookups wait for a fetch another lookup started.
    var waitingCount: Int { pending.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Drops the cached document at `url`, so the next lookup fetches it (the host learnt it changed).
    public func forget(_ url: ClientIdentifierURL) {
        cache.withLock { $0[url.rawValue] = nil }
    }

    /// How many documents are cached, expired ones included until they are replaced.
    public var cachedCount: Int { cache.withLock { $0.count } }

    private func store(_ client: Client, at url: ClientIdentifierURL, expiresAt: Date?) {
        let capacity = rules.cacheCapacity
        let now = clock.now
        cache.withLock { entries in
            guard let expiresAt, capacity > 0 else {
                entries[url.rawValue] = nil
                return
            }
            if entries[url.rawValue] == nil, entries.count >= capacity {
                entries = entries.filter { now < $0.value.expiresAt }
                while entries.count >= capacity,
                    let soonest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key
                {
                    entries[soonest] = nil
                }
            }
            entries[url.rawValue] = Entry(client: client, expiresAt: expiresAt)
        }
    }
}

extension AuthorizationServer {
    /// Whether `clients` resolves client identifier URLs, which the metadata then advertises
    /// (`client_id_metadata_document_supported`, draft-ietf-oauth-client-id-metadata-document §6).
    public var supportsClientMetadataDocuments: Bool { clients is MetadataDocumentClients }
}
