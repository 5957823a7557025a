import Foundation
@_spi(Benchmarks) import Granted

/// A server for the user flows: a confidential web client allowed the code grant and refresh,
/// PKCE on, HS256 ID tokens.
struct FlowFixture {
    static let clientID: ClientID = "bench-web"
    static let secret = "pQ7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX2cV7bN4mQ9w"
    static let redirectURI = "https://app.example.com/callback"
    /// RFC 7636 Appendix B.
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    static let signingKey = Array("bench-id-token-signing-key-of-32+-bytes".utf8)

    let server: AuthorizationServer
    let store: InMemoryGrantStore

    init(prefill: Int, willIssue: Int) {
        let clients = InMemoryClientStore([
            Client(
                id: Self.clientID, name: "Bench Web", authentication: .clientSecret(SHA256SecretHasher().hash(Self.secret)),
                redirectURIs: [Self.redirectURI], grantTypes: [.authorizationCode, .refreshToken],
                // It introspects the bench's app tokens as a resource server would (RFC 7662 §4).
                resourceServer: true),
            Client(
                id: Fixture.clientID, name: "Bench", authentication: .clientSecret(SHA256SecretHasher().hash(Fixture.clientSecret)),
                grantTypes: [.clientCredentials]),
        ])
        store = InMemoryGrantStore(expectedTokens: prefill + willIssue)
        let keys = (try? HS256Signer(key: Self.signingKey, keyID: "bench")).flatMap { try? SigningKeys(active: $0) }
        var policy = Policy()
        policy.allowsSymmetricIDTokenSignatures = true  // HS256 is the signer Granted ships
        server = AuthorizationServer(
            issuer: Fixture.issuer, policy: policy, clients: clients, store: store, signingKeys: keys)
        let token = AccessToken(
            client: Fixture.clientID, subject: nil, scopes: server.policy.defaultScopes, issuedAt: Date(),
            expiresAt: Date() + 3600)
        for i in 0..<prefill { store.insertSync(token, at: Fixture.prefillDigest(i)) }
    }

    static let basic = BasicCredentials(clientID: clientID, secret: secret).headerValue

    /// The value of a `"name":"value"` member of a JSON body, read straight from its bytes.
    static func string(_ name: StaticString, in body: [UInt8]) -> String? {
        let key = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return body.withUnsafeBufferPointer { body in
            value(after: key, in: body) { $0 == UInt8(ascii: "\"") }
        }
    }

    /// The `code` of a redirect's Location.
    static func code(in location: String) -> String? {
        var location = location
        let key: StaticString = "code="
        return location.withUTF8 { bytes in
            value(after: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), in: bytes) {
                $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "#")
            }
        }
    }

    /// The text after the first `key` in `bytes`, up to the first byte `ends` accepts (or the end).
    private static func value(
        after key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, endingAt ends: (UInt8) -> Bool
    ) -> String? {
        guard bytes.count > key.count,
            let start = (0...(bytes.count - key.count)).first(where: {
                UnsafeBufferPointer(rebasing: bytes[$0..<($0 + key.count)]).elementsEqual(key)
            })
        else { return nil }
        let valueStart = start + key.count
        let end = bytes[valueStart...].firstIndex(where: ends) ?? bytes.count
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
    }

    /// The code exchange, with a placeholder as long as a code where each operation's code goes.
    static let exchange = RawRequest.http(
        "POST", "/token",
        headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", basic)],
        body: "grant_type=authorization_code&code=\(codePlaceholder)&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&code_verifier=\(verifier)")
    static let codePlaceholder = Policy().authorizationCodePrefix + String(repeating: "C", count: 43)
    static let exchangeCodeSlot = exchange.bodySlot(of: codePlaceholder)

    /// One authorize → approve → exchange round trip; answers the token response body.
    func roundTrip(authorize: RawRequest, subject: Subject, now: Date) async -> [UInt8] {
        guard case .valid(let request) = await server.validate(authorize.makeRequest()) else {
            fail("authorization request refused")
        }
        let redirect = await server.approve(request, subject: subject, authTime: now)
        guard let location = redirect.headers["location"], let code = Self.code(in: location) else {
            fail("approval answered \(redirect.status) without a code")
        }
        let exchange = Self.exchange.filling(Self.exchangeCodeSlot, with: code)
        let response = await server.token(exchange.makeRequest())
        guard response.status == 200 else { fail("code exchange answered \(response.status): \(response.bodyText)") }
        return response.body
    }

    static let authorize = RawRequest.http(
        "GET",
        "/authorize?response_type=code&client_id=bench-web&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
            + "&scope=public&state=af0ifjsldkj&code_challenge=\(challenge)&code_challenge_method=S256",
        headers: [("Accept", "text/html")])
}

extension Scenario {
    /// Authorization request validation, approval (code issued) and the code exchange with PKCE.
    static let codeRoundTrip = Scenario(
        name: "code", measures: ["code"],
        summary: "authorize (GET, PKCE S256) + approve + code exchange with client_secret_basic and code_verifier"
    ) { bench in
        let ops = bench.options.ops(100_000)
        let fixture = FlowFixture(prefill: bench.options.prefill, willIssue: bench.totalOps(ops) * 2)
        let now = Date()
        var bytes = 0
        let subjects = (0..<1024).map { Subject("user-\($0)") }
        await bench.measure(name: "code", ops: ops, target: Target.codeRoundTrip) { i in
            bytes &+= await fixture.roundTrip(authorize: FlowFixture.authorize, subject: subjects[i & 1023], now: now).count
        }
        blackHole(bytes)
    }

    /// `grant_type=refresh_token` with rotation: every use answers a new refresh token.
    static let refreshRotation = Scenario(
        name: "refresh", measures: ["refresh"],
        summary: "refresh_token grant with rotation (the answer's refresh token is used next)"
    ) { bench in
        let ops = bench.options.ops(200_000)
        let fixture = FlowFixture(prefill: bench.options.prefill, willIssue: bench.totalOps(ops) + 10)
        let body = await fixture.roundTrip(authorize: FlowFixture.authorize, subject: "alice", now: Date())
        guard var refreshToken = FlowFixture.string(#""refresh_token":""#, in: body) else { fail("no refresh token") }
        // Every refresh token is as long as the first: each operation copies the rotated one in.
        let template = RawRequest.http(
            "POST", "/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", FlowFixture.basic)],
            body: "grant_type=refresh_token&refresh_token=\(refreshToken)")
        let slot = template.bodySlot(of: refreshToken)
        await bench.measure(name: "refresh", ops: ops, target: Target.refresh) { _ in
            let request = template.filling(slot, with: refreshToken)
            let response = await fixture.server.token(request.makeRequest())
            guard response.status == 200, let next = FlowFixture.string(#""refresh_token":""#, in: response.body) else {
                fail("refresh answered \(response.status): \(response.bodyText)")
            }
            refreshToken = next
        }
    }

    /// RFC 7662 introspection of live access tokens by an authenticated confidential client.
    static let introspection = Scenario(
        name: "introspect", measures: ["introspect"],
        summary: "introspection (RFC 7662) of an active access token by a confidential client, raw request bytes"
    ) { bench in
        let ops = bench.options.ops(300_000)
        let fixture = FlowFixture(prefill: bench.options.prefill, willIssue: 1_000)
        let issue = RawRequest.http(
            "POST", "/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", Fixture.basicAuthorization)],
            body: "grant_type=client_credentials&scope=public")
        var raws: [RawRequest] = []
        for _ in 0..<1_000 {
            let response = await fixture.server.token(issue.makeRequest())
            guard let token = FlowFixture.string(#""access_token":""#, in: response.body) else { fail("no token") }
            raws.append(
                RawRequest.http(
                    "POST", "/introspect",
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", FlowFixture.basic)],
                    body: "token=\(token)&token_type_hint=access_token"))
        }
        var active = 0
        await bench.measure(name: "introspect", ops: ops) { i in
            let response = await fixture.server.introspect(raws[i % raws.count].makeRequest())
            guard response.status == 200, response.body.count > 20 else { fail("introspection answered \(response.bodyText)") }
            active &+= 1
        }
        blackHole(active)
    }

    /// An ID token as the server signs it (OpenID Connect Core §2): claims written to bytes, HS256.
    static let idToken = Scenario(
        name: "idtoken", measures: ["idtoken"],
        summary: "ID token issuance: iss, sub, aud, exp, iat, auth_time, nonce, azp, at_hash; HS256 (pure Swift)"
    ) { bench in
        let ops = bench.options.ops(500_000)
        guard let signer = try? HS256Signer(key: FlowFixture.signingKey, keyID: "bench") else { fail("key") }
        let now = Date()
        let accessToken = "gat_" + String(repeating: "x", count: 43)
        var bytes = 0
        await bench.measure(name: "idtoken", ops: ops, target: Target.idToken) { i in
            guard let token = try? JWT.sign(sampleIDTokenClaims(now: now, accessToken: accessToken), signer: signer) else { fail("signing failed") }
            bytes &+= token.utf8.count &+ (i & 1)
        }
        blackHole(bytes)
    }

    /// The claims the `idtoken` scenario signs, `at_hash` included (one SHA-256 of a token).
    static func sampleIDTokenClaims(now: Date, accessToken: String) -> JWTClaims {
        JWTClaims(
            issuer: Fixture.issuer, subject: "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7", audience: ["bench-web"],
            expiresAt: now + 3600, issuedAt: now, authTime: now, nonce: "n-0S6_WzA2Mj",
            authorizedParty: "bench-web", accessTokenHash: JWT.halfHash(accessToken))
    }

    /// Client credentials from two concurrent callers against one server (this machine: 2 cores),
    /// each run paired with a run of one caller on the same server just before it.
    static let twoCallers = Scenario(
        name: "cc.2callers", measures: ["cc.2callers", "cc.2callers.1"],
        summary: "client credentials from 2 concurrent tasks on one server and store (total ops/s), runs alternating with 1 task"
    ) { bench in
        let ops = bench.options.ops(200_000)
        let fixture = Fixture(prefill: bench.options.prefill, willIssue: bench.totalOps(ops) * 3)
        let server = fixture.server
        let raw = RawRequest.http(
            "POST", "/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", Fixture.basicAuthorization)],
            body: "grant_type=client_credentials&scope=public")
        // A request of each caller's own, as each of a host's connections reads its own bytes:
        // one request shared by both would have its storage's reference count bounce between
        // the cores, and measure the bench instead of the server.
        let requests = [raw.makeRequest(), raw.makeRequest()]
        bench.scalingRatios = await bench.measureScaling(name: "cc.2callers", callers: 2, ops: ops) { caller, _ in
            let response = await server.token(requests[caller])
            if response.status != 200 { fail("cc answered \(response.status)") }
        }
    }

    /// Resident memory per live token, for tokens issued through the endpoint.
    static let memory = Scenario(
        name: "memory", measures: ["memory"],
        summary: "resident bytes per live access token in the in-memory store (tokens issued through /token)"
    ) { bench in
        let count = bench.options.quick ? 100_000 : 1_000_000
        let before = Machine.residentBytes ?? 0
        let fixture = Fixture(prefill: 0, willIssue: count)
        let request = OAuthRequest.form(
            "/token", "grant_type=client_credentials&scope=public",
            headers: ["Authorization": Fixture.basicAuthorization])
        for _ in 0..<count {
            let response = await fixture.server.token(request)
            if response.status != 200 { fail("cc answered \(response.status)") }
        }
        let after = Machine.residentBytes ?? 0
        let perToken = Double(after - before) / Double(count)
        bench.memoryPerToken = perToken
        say("memory: \(Format.count(count)) live tokens issued through /token: \(Format.count(Int(perToken.rounded()))) resident bytes per token (target ≤ 256)")
        blackHole(fixture.store.accessTokenCount)
    }
}
