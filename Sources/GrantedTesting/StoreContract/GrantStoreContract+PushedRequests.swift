import Foundation
import Granted

/// Pushed authorization requests (RFC 9126): stored by the digest of their `request_uri`, used
/// once in one transition.
extension GrantStoreContract {
    static func pushedRequest(
        client: ClientID = "code-app", lifetime: TimeInterval = 60, state: PushedRequest.State = .pushed
    ) -> PushedRequest {
        PushedRequest(
            client: client,
            parameters: [
                .init(name: "response_type", value: "code"), .init(name: "client_id", value: client.rawValue),
                .init(name: "scope", value: "public profile"), .init(name: "state", value: "a&b=c é"),
                .init(name: "scope", value: "repeated names keep their order"),
            ],
            issuedAt: Records.t0, expiresAt: Records.t0 + lifetime, state: state)
    }

    /// A pushed request comes back with every field in both states, and a use is kept.
    public static func pushedRequestRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        for (name, request) in [("fresh", pushedRequest()), ("used", pushedRequest(state: .used(at: t0 + 3)))] {
            let digest = Records.digest("urn:ietf:params:oauth:request_uri:\(name)")
            try await store.insert(request, at: digest)
            try expectEqual(try await store.updatePushedRequest(at: digest) { $0 }, request, "\(name) round trip")
        }
        let digest = Records.digest("urn:ietf:params:oauth:request_uri:fresh")
        try expectEqual(
            try await store.updatePushedRequest(at: digest) { $0.use(by: "other-app", at: t0 + 1) }, .otherClient,
            "another client")
        try expectEqual(
            try await store.updatePushedRequest(at: digest) { $0.use(by: "code-app", at: t0 + 2) },
            .granted(pushedRequest().parameters), "the first use")
        try expectEqual(
            try await store.updatePushedRequest(at: digest) { $0.state }, .used(at: t0 + 2), "the use is kept")
        try expectEqual(
            try await store.updatePushedRequest(at: digest) { $0.use(by: "code-app", at: t0 + 3) }, .used, "a second use")
        try expect(
            try await store.updatePushedRequest(at: Records.digest("urn:ietf:params:oauth:request_uri:none")) { $0 } == nil,
            "an unknown request_uri answers nil")
    }

    /// Of 100 concurrent uses of one request_uri exactly one is granted.
    public static func pushedRequestUsedOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("urn:ietf:params:oauth:request_uri:raced")
        try await store.insert(pushedRequest(), at: digest)
        let now = Records.t0 + 5
        let outcomes = try await Records.race(100) {
            try await store.updatePushedRequest(at: digest) { $0.use(by: "code-app", at: now) }
        }
        try expectEqual(outcomes.filter { $0 == .granted(pushedRequest().parameters) }.count, 1, "granted uses")
        try expectEqual(outcomes.filter { $0 == .used }.count, 99, "refused uses")
    }

    /// Expired and used pushed requests go; unused, unexpired ones stay.
    public static func purgePushedRequests(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        func digest(_ name: String) -> Digest256 { Records.digest("urn:ietf:params:oauth:request_uri:\(name)") }
        try await store.insert(pushedRequest(lifetime: 600), at: digest("live"))
        try await store.insert(pushedRequest(lifetime: 60), at: digest("expired"))
        try await store.insert(pushedRequest(lifetime: 600, state: .used(at: t0 + 10)), at: digest("used"))
        try expectEqual(try await store.purge(before: t0 + 60), 1, "the used one only: expiry is not before")
        try expectEqual(try await store.purge(before: t0 + 61), 1, "the expired one")
        try expect(try await store.updatePushedRequest(at: digest("live")) { $0 } != nil, "the live one stays")
        try expect(try await store.updatePushedRequest(at: digest("expired")) { $0 } == nil, "the expired one is gone")
        try expectEqual(try await store.purge(before: t0 + 61), 0, "a second purge deletes nothing")
    }
}
