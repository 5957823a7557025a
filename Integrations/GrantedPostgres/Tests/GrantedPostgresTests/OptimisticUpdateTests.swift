import Foundation
import Granted
@testable import GrantedPostgres
import GrantedTesting
import PostgresNIO
import Testing

/// Updates read the row with its version and write only that version (`PostgresGrantStore+Records`);
/// after lost races they lock the row instead. The contract's concurrent cases, run with the
/// locked path forced (no optimistic attempt) and reached after one lost race, so that both paths
/// and their mix keep single use and lose no update.
@Suite("PostgreSQL: optimistic updates and their locked fallback", .enabled(if: TestDatabase.isConfigured), .serialized,
    .timeLimit(.minutes(3)))
struct OptimisticUpdateTests {
    static let concurrentCases = [
        "codeRedeemedOnce", "accessTokenUpdatesSerialize", "familyCreatedOnce", "familyUpdatesSerialize",
        "authorizationUpsert", "authorizationCreatedOnce",
        "deviceRedeemedOnce", "sessionConcurrentSignIns", "sessionEndRacesSignIn", "pushedRequestUsedOnce",
        "flowConcurrentRedemption", "flowConcurrentRefresh",
    ]

    @Test("the contract's concurrent cases hold on either path", arguments: [0, 1], concurrentCases)
    func fallback(optimisticAttempts: Int, name: String) async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.runContract(name, on: client) { client, schema in
                PostgresGrantStore(
                    client: client, schema: schema, timeout: .seconds(10), logger: Logger(label: "test"),
                    prepared: false, optimisticAttempts: optimisticAttempts)
            }
        }
    }

    /// A transition that changes nothing (a replay recognised, a read) writes nothing: the row
    /// keeps its version. One that changes the code writes a new version.
    @Test("a transition that changes nothing leaves the row's version as it was")
    func readsDoNotWrite() async throws {
        try await TestDatabase.withClient { client in
            try await TestDatabase.withSchema(on: client) { schema in
                let store = PostgresGrantStore(client: client, schema: schema)
                let digest = Digest256(hashing: "gac_versioned")
                let issuedAt = Date(timeIntervalSince1970: 1_700_000_000)
                try await store.insert(
                    AuthorizationCode(
                        client: "web-app", redirectURI: nil, scopes: [.public], subject: "alice", authTime: issuedAt,
                        nonce: nil, challenge: nil, authorization: AuthorizationID(uuid: UUID()),
                        family: FamilyID(uuid: UUID()), issuedAt: issuedAt, lifetime: 30),
                    at: digest)
                func version() async throws -> String {
                    let rows = try await client.query(
                        "SELECT xmin::text FROM \(unescaped: schema.table("authorization_codes")) WHERE digest = \(digest.withUnsafeBytes { ByteBuffer(bytes: $0) })"
                    ).collect()
                    return try #require(rows.first).decode(String.self)
                }
                let inserted = try await version()
                #expect(try await store.updateCode(at: digest) { $0.state } == .issued(expiresAt: issuedAt + 30))
                #expect(try await version() == inserted)
                #expect(try await store.updateCode(at: digest) { $0.redeem(at: issuedAt + 1) } == .granted)
                let redeemed = try await version()
                #expect(redeemed != inserted)
                #expect(try await store.updateCode(at: digest) { $0.redeem(at: issuedAt + 2) } == .replayed)
                #expect(try await version() == redeemed)
            }
        }
    }
}
