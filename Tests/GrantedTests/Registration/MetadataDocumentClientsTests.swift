import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// The caching client store (draft-ietf-oauth-client-id-metadata-document §5, §5.2) over a
/// manual clock and the in-memory document source.
@Suite("Metadata document clients: fetching and caching (draft-ietf-oauth-client-id-metadata-document §5)")
struct MetadataDocumentClientsTests {
    static let id = "https://agent.example.com/client.json"
    static let redirect = "https://agent.example.com/callback"
    static var json: String { StaticClientMetadataDocuments.document(clientID: id, redirectURIs: [redirect], name: "Agent") }

    struct Setup {
        let clock = ManualClock()
        let source = StaticClientMetadataDocuments()
        let registered = InMemoryClientStore([Client(id: "registered", grantTypes: [.clientCredentials])])
        let clients: MetadataDocumentClients

        init(rules: MetadataDocumentClients.Rules = .init()) {
            clients = MetadataDocumentClients(registered: registered, source: source, clock: clock, rules: rules)
        }

        func lookup(_ id: String = MetadataDocumentClientsTests.id) async throws -> Client? {
            try await clients.client(ClientID(id))
        }
    }

    @Test("a client identifier URL is fetched once, then answered from the cache while fresh")
    func cachesWhileFresh() async throws {
        let setup = Setup()
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: "max-age=600")
        let client = try #require(try await setup.lookup())
        #expect(client.name == "Agent")
        #expect(try await setup.lookup() == client)
        setup.clock.advance(by: 599)
        #expect(try await setup.lookup() == client)
        #expect(setup.source.fetches == [Self.id])
        setup.clock.advance(by: 1)
        #expect(try await setup.lookup() == client)
        #expect(setup.source.fetches == [Self.id, Self.id])
    }

    @Test(
        "the lifetime is the response's, within the rules' bounds (§5.2)",
        arguments: [
            ("max-age=600", 600.0),
            ("max-age=0", 60),  // raised to the minimum
            ("max-age=10", 60),
            ("max-age=31536000", 86400),  // lowered to the maximum
            ("private", 300),  // nothing said: the default
        ])
    func lifetime(_ cacheControl: String, _ seconds: TimeInterval) async throws {
        let setup = Setup()
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: cacheControl)
        _ = try await setup.lookup()
        setup.clock.advance(by: seconds - 1)
        _ = try await setup.lookup()
        #expect(setup.source.fetches.count == 1)
        setup.clock.advance(by: 1)
        _ = try await setup.lookup()
        #expect(setup.source.fetches.count == 2)
    }

    @Test("no-store and no-cache are fetched again for every request", arguments: ["no-store", "no-cache", "max-age=600, no-store"])
    func noStore(_ cacheControl: String) async throws {
        let setup = Setup()
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: cacheControl)
        for _ in 0..<3 { #expect(try await setup.lookup() != nil) }
        #expect(setup.source.fetches.count == 3)
        #expect(setup.clients.cachedCount == 0)
    }

    @Test("a failed fetch or an invalid document is an unknown client, and never cached (§5.1, §5.2)")
    func failuresAreNotCached() async throws {
        let setup = Setup()
        #expect(try await setup.lookup() == nil)  // nothing served: the fetch throws
        setup.source.serve(FetchedClientMetadataDocument(status: 404, body: [], cacheControl: "max-age=600"), at: Self.id)
        #expect(try await setup.lookup() == nil)
        setup.source.serve(json: #"{"client_id":"\#(Self.id)"}"#, at: Self.id, cacheControl: "max-age=600")
        #expect(try await setup.lookup() == nil)
        #expect(setup.clients.cachedCount == 0)
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: "max-age=600")
        #expect(try await setup.lookup() != nil)
        #expect(setup.source.fetches.count == 4)
    }

    @Test("the failure is there for the host's logs")
    func failureReasons() async throws {
        let setup = Setup()
        let url = try #require(ClientIdentifierURL(Self.id))
        #expect(await setup.clients.resolve(url) == .failure(.fetchFailed))
        setup.source.serve(FetchedClientMetadataDocument(status: 302, body: []), at: Self.id)
        #expect(await setup.clients.resolve(url) == .failure(.invalidDocument(.status(302))))
    }

    @Test("a refetched document that turned invalid drops the cached client")
    func invalidRefetchDropsCache() async throws {
        let setup = Setup()
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: "max-age=60")
        #expect(try await setup.lookup() != nil)
        setup.source.serve(json: #"{"client_id":"\#(Self.id)","redirect_uris":["\#(Self.redirect)"],"client_secret":"x"}"#, at: Self.id)
        setup.clock.advance(by: 60)
        #expect(try await setup.lookup() == nil)
        #expect(setup.clients.cachedCount == 0)
    }

    @Test("a changed document is seen once the cached one expires, or at once after forget(_:)")
    func changedDocument() async throws {
        let setup = Setup()
        setup.source.serve(json: Self.json, at: Self.id, cacheControl: "max-age=600")
        #expect(try await setup.lookup()?.redirectURIs == [Self.redirect])
        let moved = "https://agent.example.com/new-callback"
        setup.source.serve(json: StaticClientMetadataDocuments.document(clientID: Self.id, redirectURIs: [moved]), at: Self.id)
        #expect(try await setup.lookup()?.redirectURIs == [Self.redirect])
        setup.clients.forget(try #require(ClientIdentifierURL(Self.id)))
        #expect(try await setup.lookup()?.redirectURIs == [moved])
    }

    @Test("the cache holds at most its capacity, dropping what expires first")
    func boundedCache() async throws {
        var rules = MetadataDocumentClients.Rules()
        rules.cacheCapacity = 3
        let setup = Setup(rules: rules)
        let ids = (0..<5).map { "https://agent\($0).example.com/client.json" }
        for (index, id) in ids.enumerated() {
            setup.source.serve(
                json: StaticClientMetadataDocuments.document(clientID: id, redirectURIs: [Self.redirect]), at: id,
                cacheControl: "max-age=\(1000 - index * 100)")
            #expect(try await setup.lookup(id) != nil)
            #expect(setup.clients.cachedCount <= 3)
        }
        // The two shortest-lived entries left last; the first ones (longest-lived) stayed.
        _ = try await setup.lookup(ids[0])
        #expect(setup.source.fetches.count == 5)
    }

    @Test("other client ids go to the registered store, never to the source")
    func otherIDs() async throws {
        let setup = Setup()
        #expect(try await setup.lookup("registered") != nil)
        #expect(try await setup.lookup("unknown") == nil)
        #expect(try await setup.lookup("http://agent.example.com/client.json") == nil)
        #expect(try await setup.lookup("https://127.0.0.1/client.json") == nil)
        #expect(setup.source.fetches.isEmpty)
    }

    @Test("a pre-registered client identifier URL wins over its document (§7.2)")
    func preRegistered() async throws {
        let setup = Setup()
        setup.registered.register(Client(id: ClientID(Self.id), name: "Pinned", redirectURIs: [Self.redirect], grantTypes: [.authorizationCode]))
        setup.source.serve(json: Self.json, at: Self.id)
        #expect(try await setup.lookup()?.name == "Pinned")
        #expect(setup.source.fetches.isEmpty)
    }
}

/// A source that holds every fetch until `release()`, so lookups can be made to overlap.
private struct GatedSource: ClientMetadataDocumentSource {
    actor Gate {
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []
        func pass() async {
            if isOpen { return }
            await withCheckedContinuation { waiting.append($0) }
        }
        func release() {
            isOpen = true
            for continuation in waiting { continuation.resume() }
            waiting = []
        }
    }

    let gate = Gate()
    let documents = StaticClientMetadataDocuments()

    func document(at url: ClientIdentifierURL, limit: Int) async throws -> FetchedClientMetadataDocument {
        await gate.pass()
        return try await documents.document(at: url, limit: limit)
    }
}

@Suite("Metadata document clients: overlapping lookups")
struct OverlappingLookupTests {
    @Test("lookups of one URL while it is being fetched wait for that fetch instead of fetching again", arguments: [.noStore, .lifetime(600)] as [FetchedClientMetadataDocument.Freshness])
    func oneFetch(_ freshness: FetchedClientMetadataDocument.Freshness) async throws {
        let source = GatedSource()
        let id = MetadataDocumentClientsTests.id
        source.documents.serve(
            FetchedClientMetadataDocument(status: 200, body: Array(MetadataDocumentClientsTests.json.utf8), freshness: freshness), at: id)
        let clients = MetadataDocumentClients(source: source, clock: ManualClock())
        let found = try await withThrowingTaskGroup(of: Client?.self) { group in
            for _ in 0..<5 { group.addTask { try await clients.client(ClientID(id)) } }
            for _ in 0..<5000 where clients.waitingCount < 4 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(clients.waitingCount == 4)
            await source.gate.release()
            return try await group.reduce(into: [Client?]()) { $0.append($1) }
        }
        #expect(found.count == 5 && found.allSatisfy { $0?.name == "Agent" })
        #expect(source.documents.fetches == [id])
        #expect(clients.waitingCount == 0)
    }
}
