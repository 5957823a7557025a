import Foundation
import Testing

@_spi(Benchmarks) @_spi(Testing) @testable import Granted

/// Outside review, finding 3: `purge` snapshotted the live families under one lock and swept the
/// tokens under others, deleting what a request issued in between.
@Suite("Outside review 3: purge never deletes live tokens issued while it runs (RFC 6749 §10.3)")
struct PurgeRaceTests {
    /// Enough never-expiring tokens that one sweep of the shards takes long, so issuing overlaps it.
    static let prefilled = 200_000

    @Test("RFC 6749 §10.3: codes redeemed while purge runs in a loop keep their access and refresh tokens")
    func purgeWhileIssuing() async throws {
        let flow = CodeFlow()
        let filler = AccessToken(
            client: TestServer.service.clientID, subject: nil, scopes: [.public], issuedAt: TestServer.start,
            expiresAt: nil, family: nil, authorization: nil)
        for index in 0..<Self.prefilled {
            let word = UInt64(index)
            flow.store.insertSync(filler, at: Digest256(w0: word, w1: word &* 0x9E37_79B9_7F4A_7C15, w2: 1, w3: 2))
        }
        let done = Locked(false)
        let purgesDone = Locked(0)
        let cutoff = flow.clock.now  // as `purge(deadFor: 0)`: nothing issued here is dead yet
        async let purges: Int = {
            while !done.withLock({ $0 }) {
                _ = try await flow.store.purge(before: cutoff)
                purgesDone.withLock { $0 += 1 }
                await Task.yield()
            }
            return purgesDone.withLock { $0 }
        }()
        var issued: [CodeFlow.Tokens] = []
        do {
            defer { done.withLock { $0 = true } }
            // Issue until several whole purges ran alongside, however the scheduler spreads the work.
            while issued.count < 150 || (purgesDone.withLock { $0 } < 2 && issued.count < 5_000) {
                issued.append(try await flow.signIn())
                // The in-memory store never suspends: let the purging task have a thread too.
                await Task.yield()
            }
        }
        let purged = try await purges
        #expect(purged >= 2)
        var lost = 0
        for tokens in issued {
            let refresh = try #require(tokens.refreshToken)
            let liveAccess = await flow.verifies(tokens.accessToken)
            let liveRefresh = try await flow.store.familyID(forRefreshToken: SHA256.hash(refresh)) != nil
            if !liveAccess || !liveRefresh { lost += 1 }
        }
        #expect(lost == 0, "\(lost) of \(issued.count) issued token pairs were purged while live (\(purged) purges)")
        #expect(flow.store.accessTokenCount == Self.prefilled + issued.count)
    }
}
