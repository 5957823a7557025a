import Foundation
import GrantedTesting
@_spi(Benchmarks) import Granted

/// A `FlowFixture` server whose store holds `prefill` live access tokens whose values the bench
/// can rebuild from their index, so the read paths present tokens from anywhere in the table,
/// not only the few it issued last (which would sit in the cache).
struct ScalingFixture {
    let flows: FlowFixture
    var store: InMemoryGrantStore { flows.store }
    var server: AuthorizationServer { flows.server }
    let prefilled: Int

    /// Reserves room for exactly `prefill` tokens, so the resident bytes per token are those of
    /// a store of that size; the issuing paths then grow it as a server's store grows.
    init(prefill: Int) {
        flows = FlowFixture(prefill: 0, willIssue: prefill)
        prefilled = prefill
        let now = Date()
        let token = AccessToken(
            client: Fixture.clientID, subject: nil, scopes: flows.server.policy.defaultScopes, issuedAt: now,
            expiresAt: now + 3600)
        var value: [UInt8] = []
        value.reserveCapacity(64)
        for i in 0..<prefill {
            Self.write(i, into: &value)
            let digest = value.withUnsafeBytes { Digest256(hashing: $0) }
            flows.store.insertSync(token, at: digest)
        }
    }

    /// The `i`th prefilled token: `gat_` and the base64url of 32 bytes derived from `i`, the
    /// shape the token endpoint issues; the store keys it by the SHA-256 of that text.
    static func token(_ i: Int) -> String {
        var value: [UInt8] = []
        write(i, into: &value)
        return String(decoding: value, as: UTF8.self)
    }

    private static func write(_ i: Int, into value: inout [UInt8]) {
        value.removeAll(keepingCapacity: true)
        value.append(contentsOf: "gat_".utf8)
        var generator = SplitMix64(seed: UInt64(i))
        var words = (generator.next(), generator.next(), generator.next(), generator.next())
        withUnsafeBytes(of: &words) { Base64URL.encode($0, appendingTo: &value) }
    }

    /// `count` prefilled tokens picked uniformly (seeded, so every run presents the same ones).
    private func sample(_ count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Self.token(Int(generator.next() % UInt64(prefilled))) }
    }

    /// `ResourceGuard.check` of `Authorization: Bearer` with a different prefilled token each time.
    func bearer(ops: Int) async -> Scaling.Timed {
        let requests = sample(ops + max(1, ops / 10), seed: 1).map { token in
            OAuthRequest(method: .get, target: "/v1/me", headers: ["Authorization": "Bearer \(token)"])
        }
        let guardian = server.resourceGuard()
        let required: ScopeSet = [.public]
        return await Scaling.timeEach(ops: ops) { i in
            guard case .allowed(let grant) = await guardian.check(requests[i], requiring: required),
                grant.client == Fixture.clientID
            else { fail("bearer refused a prefilled token") }
        }
    }

    /// RFC 7662 introspection of a different prefilled token each time, by a resource server.
    func introspect(ops: Int) async -> Scaling.Timed {
        let requests = sample(ops + max(1, ops / 10), seed: 2).map { token in
            OAuthRequest.form(
                "/introspect", "token=\(token)&token_type_hint=access_token",
                headers: ["Authorization": FlowFixture.basic])
        }
        let active = Array(#"{"active":true"#.utf8)
        return await Scaling.timeEach(ops: ops) { i in
            let response = await server.introspect(requests[i])
            guard response.status == 200, response.body.starts(with: active) else {
                fail("introspection answered \(response.status): \(response.bodyText)")
            }
        }
    }

    /// Client credentials: each operation issues one more access token into the store.
    func clientCredentials(ops: Int) async -> Scaling.Timed {
        let request = OAuthRequest.form(
            "/token", "grant_type=client_credentials&scope=public",
            headers: ["Authorization": Fixture.basicAuthorization])
        return await Scaling.timeEach(ops: ops) { _ in
            let response = await server.token(request)
            guard response.status == 200 else { fail("cc answered \(response.status): \(response.bodyText)") }
        }
    }

    /// Refresh with rotation along one family: each use adds an access and a refresh token.
    func refresh(ops: Int) async -> Scaling.Timed {
        let body = await flows.roundTrip(authorize: FlowFixture.authorize, subject: "alice", now: Date())
        guard var refreshToken = FlowFixture.string(#""refresh_token":""#, in: body) else { fail("no refresh token") }
        return await Scaling.timeEach(ops: ops) { _ in
            let request = OAuthRequest.form(
                "/token", "grant_type=refresh_token&refresh_token=\(refreshToken)",
                headers: ["Authorization": FlowFixture.basic])
            let response = await server.token(request)
            guard response.status == 200, let next = FlowFixture.string(#""refresh_token":""#, in: response.body) else {
                fail("refresh answered \(response.status): \(response.bodyText)")
            }
            refreshToken = next
        }
    }
}
