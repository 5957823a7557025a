import Foundation
@_spi(Benchmarks) import Granted

/// A named measurement (or a few related ones, named `name.variant`). Add new ones to `all`.
struct Scenario: Sendable {
    let name: String
    /// Names of the measurements it records, so `--only cc.prebuilt` can select a scenario by one of them.
    let measures: [String]
    let summary: String
    let run: @Sendable (Bench) async -> Void

    /// Memory first: it reads the process's resident size, which memory freed by earlier
    /// scenarios (kept by the allocator) would hide.
    static let all: [Scenario] = [
        memory, primitives, clientCredentials, twoCallers, bearer, codeRoundTrip, refreshRotation, introspection,
        idToken, jwtAccessToken, device, registration,
    ]

    func selected(by options: Options) -> Bool {
        options.selects(name) || measures.contains(where: options.selects)
    }
}

// MARK: Targets (from the team's issue), on one core

enum Target {
    static let clientCredentials = 300_000.0
    static let bearer = 500_000.0
    static let codeRoundTrip = 60_000.0
    static let refresh = 100_000.0
    static let idToken = 200_000.0
}

// MARK: Client credentials

extension Scenario {
    /// POST /token, grant_type=client_credentials, client_secret_basic, from raw request bytes
    /// to response body bytes, with the store already holding `--tokens` live tokens.
    static let clientCredentials = Scenario(
        name: "cc", measures: ["cc", "cc.prebuilt"],
        summary: "client credentials token request, raw request bytes → response body bytes"
    ) { bench in
        let options = bench.options
        let ops = options.ops(200_000)
        let raw = RawRequest.token(body: "grant_type=client_credentials&scope=public")
        var bodyBytes = 0

        // Each measurement gets its own store, holding `--tokens` when it starts (every
        // operation adds one, with room reserved so no timed run rehashes).
        if options.selects("cc") {
            let fixture = Fixture(prefill: options.prefill, willIssue: bench.totalOps(ops))
            let server = fixture.server
            await bench.measure(name: "cc", ops: ops, target: Target.clientCredentials) { _ in
                let response = await server.token(raw.makeRequest())
                guard response.status == 200 else { fail("cc answered \(response.status): \(response.bodyText)") }
                bodyBytes &+= response.body.count
            }
            note("store now holds \(Format.count(fixture.store.accessTokenCount)) tokens")
        }
        // The same without the host's mapping: Granted's share of the cost.
        if options.selects("cc.prebuilt") {
            let fixture = Fixture(prefill: options.prefill, willIssue: bench.totalOps(ops))
            let server = fixture.server
            let request = raw.makeRequest()
            await bench.measure(name: "cc.prebuilt", ops: ops) { _ in
                let response = await server.token(request)
                guard response.status == 200 else { fail("cc answered \(response.status): \(response.bodyText)") }
                bodyBytes &+= response.body.count
            }
            note("store now holds \(Format.count(fixture.store.accessTokenCount)) tokens")
        }
        blackHole(bodyBytes)
    }
}

// MARK: Bearer verification

extension Scenario {
    /// `ResourceGuard.check` of `Authorization: Bearer` for tokens issued through the endpoint.
    static let bearer = Scenario(
        name: "bearer", measures: ["bearer", "bearer.prebuilt"],
        summary: "resource guard check of a Bearer token issued by the endpoint, from raw request bytes"
    ) { bench in
        let options = bench.options
        let ops = options.ops(500_000)
        let issued = options.quick ? 1_000 : 10_000
        let fixture = Fixture(prefill: options.prefill, willIssue: issued)
        let start = nanoseconds()
        let tokens = await fixture.issueTokens(issued)
        note("issued \(Format.count(issued)) tokens through /token in \(Format.seconds(nanoseconds() - start))")
        let raws = tokens.map { token in
            RawRequest.http(
                "GET", "/v1/me", headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")])
        }
        let guardian = fixture.server.resourceGuard()
        let required: ScopeSet = [.public]
        var allowed = 0

        func check(_ decision: ResourceGuard.Decision) {
            guard case .allowed(let grant) = decision else {
                if case .denied(let response, _) = decision {
                    fail("bearer denied \(response.status): \(response.headers["www-authenticate"] ?? "")")
                }
                fail("bearer denied")
            }
            if grant.client == Fixture.clientID { allowed &+= 1 }
        }
        if options.selects("bearer") {
            await bench.measure(name: "bearer", ops: ops, target: Target.bearer) { i in
                check(await guardian.check(raws[i % raws.count].makeRequest(), requiring: required))
            }
        }
        if options.selects("bearer.prebuilt") {
            let requests = raws.map { $0.makeRequest() }
            await bench.measure(name: "bearer.prebuilt", ops: ops) { i in
                check(await guardian.check(requests[i % requests.count], requiring: required))
            }
        }
        blackHole(allowed)
    }
}

// MARK: Primitives

extension Scenario {
    /// The pieces of the token path, to see how far the endpoints are from their sum.
    static let primitives = Scenario(
        name: "prim",
        measures: [
            "prim.random32", "prim.sha256.token", "prim.base64url32", "prim.response",
            "prim.store.insert", "prim.store.lookup", "prim.hs256.jwtat", "prim.hs256.verify.jwtat", "prim.hs256.idtoken",
        ],
        summary: "32 random bytes, SHA-256 of a token, base64url of 32 bytes, the token response body, store insert and lookup, HS256 over a JWT's signing input"
    ) { bench in
        let options = bench.options
        let ops = options.ops(1_000_000)
        var sink: UInt64 = 0

        if options.selects("prim.random32") {
            let random = SystemRandom()
            await bench.measure(name: "prim.random32", ops: ops) { _ in
                var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                withUnsafeMutableBytes(of: &bytes) { random.fill($0) }
                sink &+= bytes.0
            }
        }
        if options.selects("prim.sha256.token") {
            // A token as it travels: "gat_" and 43 base64url characters: one block.
            let token = "gat_" + String(repeating: "A", count: 43)
            await bench.measure(name: "prim.sha256.token", ops: ops) { i in
                var copy = token
                sink &+= UInt64(truncatingIfNeeded: copy.withUTF8 { Digest256(hashing: UnsafeRawBufferPointer($0)).hashValue }) &+ UInt64(i & 1)
            }
        }
        if options.selects("prim.base64url32") {
            var bytes = [UInt8](repeating: 0x5A, count: 32)
            await bench.measure(name: "prim.base64url32", ops: ops) { i in
                bytes[0] = UInt8(truncatingIfNeeded: i)
                sink &+= UInt64(Base64URL.encode(bytes).utf8.count)
            }
        }
        if options.selects("prim.response") {
            // The token response body, as the endpoint writes it.
            let token = "gat_" + String(repeating: "A", count: 43)
            await bench.measure(name: "prim.response", ops: ops) { i in
                var json = JSONWriter(capacity: 160)
                json.field("access_token", token)
                json.field("token_type", "Bearer")
                json.field("expires_in", 1_209_600 &+ (i & 1))
                json.field("scope", "public")
                sink &+= UInt64(json.finish().count)
            }
        }
        if options.selects("prim.store.insert") || options.selects("prim.store.lookup") {
            let fixture = Fixture(prefill: options.prefill, willIssue: bench.totalOps(ops))
            let store = fixture.store
            let token = AccessToken(
                client: Fixture.clientID, subject: nil, scopes: [.public], issuedAt: Date(),
                expiresAt: Date() + 3600)
            /// A fresh key per index, its four words mixed from it (SplitMix64's finalizer), not
            /// hashed: the recipes count the SHA-256 of each issued token on its own
            /// (`prim.sha256.token`), so an insert that hashed too would count it twice.
            func digest(_ i: Int) -> Digest256 {
                func mix(_ x: UInt64) -> UInt64 {
                    var z = x &* 0x9E37_79B9_7F4A_7C15
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return z ^ (z >> 31)
                }
                let n = UInt64(i) &<< 2
                var words = (mix(n), mix(n | 1), mix(n | 2), mix(n | 3))
                guard let key = withUnsafeBytes(of: &words, { Digest256(bytes: $0) }) else {
                    fail("32 bytes made no digest")
                }
                return key
            }
            if options.selects("prim.store.insert") {
                // The insert alone, under a fresh key.
                await bench.measure(name: "prim.store.insert", ops: ops) { i in
                    try? await store.insert(token, at: digest(i))
                }
            }
            if options.selects("prim.store.lookup") {
                // Keys of prefilled tokens, precomputed: the lookup alone.
                let keys = (0..<min(fixture.prefilled, 65_536)).map(Fixture.prefillDigest)
                await bench.measure(name: "prim.store.lookup", ops: ops) { i in
                    guard let record = try? await store.accessToken(at: keys[i % keys.count]) else {
                        fail("store lookup missed")
                    }
                    sink &+= UInt64(record.token.scopes.count)
                }
            }
        }
        if options.selects("prim.hs256.jwtat") || options.selects("prim.hs256.verify.jwtat") {
            // The HS256 signature (HMAC-SHA256, RFC 7518 §3.2) over the signing input of a JWT
            // access token as the `jwtat` scenario's server issues it, and its check.
            guard let signer = try? HS256Signer(key: FlowFixture.signingKey, keyID: "bench") else { fail("key") }
            let input = Self.signingInput(await Self.sampleJWTAccessToken())
            let signature = signer.sign(input)
            if options.selects("prim.hs256.jwtat") {
                await bench.measure(name: "prim.hs256.jwtat", ops: ops / 4) { i in
                    sink &+= UInt64(signer.sign(input)[i & 31])
                }
            }
            if options.selects("prim.hs256.verify.jwtat") {
                await bench.measure(name: "prim.hs256.verify.jwtat", ops: ops / 4) { _ in
                    guard signer.verify(signature, for: input) else { fail("HS256 refused its own signature") }
                    sink &+= 1
                }
            }
        }
        if options.selects("prim.hs256.idtoken") {
            // The same over the `idtoken` scenario's ID token.
            guard let signer = try? HS256Signer(key: FlowFixture.signingKey, keyID: "bench") else { fail("key") }
            let claims = Self.sampleIDTokenClaims(now: Date(), accessToken: "gat_" + String(repeating: "x", count: 43))
            guard let token = try? JWT.sign(claims, signer: signer) else { fail("signing failed") }
            let input = Self.signingInput(token)
            await bench.measure(name: "prim.hs256.idtoken", ops: ops / 4) { i in
                sink &+= UInt64(signer.sign(input)[i & 31])
            }
        }
        blackHole(sink)
    }
}

extension Scenario {
    /// A compact JWS's signing input: the bytes before its last '.' (RFC 7515 §5.1).
    static func signingInput(_ token: String) -> [UInt8] {
        let bytes = Array(token.utf8)
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { fail("not a JWS: \(token)") }
        return Array(bytes[..<dot])
    }
}
