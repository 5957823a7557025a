import Foundation
import Granted
import GrantedCrypto

// granted-crypto-bench: GrantedCrypto's four algorithms, each as its sign and verify primitive
// and as what Granted does with it, in the same run:
//
//   sign.ALG / verify.ALG      the primitive over a 300-byte JWS signing input
//   keyverify.ALG              the verifier built from the public JWK (as a client's registered
//                              key or a DPoP proof's `jwk` is), then verify.ALG
//   idtoken.ALG                an ID token's claims serialized and signed (JWT.sign, as the issuer does)
//   idtoken.verify.ALG         JWT.verify of that ID token (signature, exp, iat)
//   jwtat.cc.ALG               POST /token (client credentials) answered with an RFC 9068 JWT
//                              access token, through AuthorizationServer and the in-memory store
//   jwtat.verify.ALG           a resource server's offline check (JWTAccessToken.Verifier)
//   resource.bearer            the resource guard letting an opaque bearer token through (store lookup)
//   resource.dpop.ES256        the same with a DPoP-bound token and a fresh ES256 proof per request
//                              (RFC 9449 §4.3, §7: parse, verify, htm/htu/iat/ath, jti recorded once)
//   pkjwt.cc.ALG               POST /token, client credentials, the client
//                              authenticated with private_key_jwt (RFC 7523 §2.2): parse, key
//                              selection, verify.ALG, the claim checks and the jti's insertOnce,
//                              then an opaque access token. Each request carries a fresh jti;
//                              the assertions are signed before the clock starts
//   cc.basic                   the same request with client_secret_basic, for the difference
//
//   swift run -c release granted-crypto-bench [--quick] [--runs N] [--only PREFIX,PREFIX...] [--cpu-time]
//
// Each figure is the median of the timed runs (5; 1 with --quick) after a warm-up. `--only`
// times just the scenarios whose names start with one of the prefixes (the set-up still runs),
// e.g. `--only verify.ES256,resource,cc.basic,pkjwt` for a path beside its primitives.

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let runs = arguments.firstIndex(of: "--runs").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil }
    ?? (quick ? 1 : 5)
let scale = quick ? 0.05 : 1.0
let only = arguments.firstIndex(of: "--only").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    .map { $0.split(separator: ",").map(String.init) }

/// Wall time, or with `--cpu-time` the CPU time of the whole process (every thread the async
/// paths hop to): on a loaded machine time spent waiting for a core does not count.
let cpuTime = arguments.contains("--cpu-time")
func nanoseconds() -> UInt64 {
    guard cpuTime else { return DispatchTime.now().uptimeNanoseconds }
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Folded into by every operation, so none is optimized away.
nonisolated(unsafe) var sink = 0
/// Runs `body` `ops` times per run; prints and answers the median operations per second.
/// Nonisolated, so the operations run on the global executor as a host's request handlers do:
/// on the main actor every `await` of an async path would hop between threads twice.
@discardableResult
nonisolated func measure(_ name: String, ops baseOps: Int, _ body: (Int) async throws -> Int) async rethrows -> Double {
    if let only, !only.contains(where: { name.hasPrefix($0) }) { return 0 }
    let ops = max(1, Int(Double(baseOps) * scale))
    var folded = 0
    for i in 0..<min(ops, 50) { folded &+= try await body(i) }
    var rates: [Double] = []
    for _ in 0..<runs {
        let start = nanoseconds()
        for i in 0..<ops { folded &+= try await body(i) }
        rates.append(Double(ops) / (Double(nanoseconds() - start) / 1e9))
    }
    sink &+= folded
    rates.sort()
    let median = rates[rates.count / 2]
    let padded = name.padding(toLength: 24, withPad: " ", startingAt: 0)
    print("| \(padded) | \(String(format: "%10.0f", median)) | \(String(format: "%9.0f", 1e9 / median)) |")
    return median
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("granted-crypto-bench: \(message)\n".utf8))
    exit(1)
}

let issuer = "https://auth.example.com"
let tools: ResourceIdentifier = "https://tools.example.com/mcp"
let clientID: ClientID = "bench-client"
let secret = "vJ1rQ0b9Xk7mW2sT5yH8nC4pL6dF3gA0zE1uR9iO7qM"
let basic = "Basic " + Data("\(clientID.rawValue):\(secret)".utf8).base64EncodedString()
let signingInput = Array(String(repeating: "eyJhbGciOiJSUzI1NiJ9", count: 15).utf8)

/// The one client of the client-credentials scenarios, authenticating with `client_secret_basic`.
func benchClients() -> InMemoryClientStore {
    InMemoryClientStore([
        Client(
            id: clientID, name: "Bench", authentication: .clientSecret(SHA256SecretHasher().hash(secret)),
            grantTypes: [.clientCredentials])
    ])
}

/// Every scenario, nonisolated: closures made here run on the global executor, as a host's
/// request handlers do. (Made in top-level code they would be main-actor closures, and each
/// operation of an async path would hop between threads twice.)
nonisolated func runScenarios() async throws {
    print("| scenario | median ops/s | ns/op |")
    print("|---|---:|---:|")
    for algorithm in [JWSAlgorithm.rs256, .ps256, .es256, .edDSA] {
        let name = algorithm.rawValue
        guard let signer = try? AsymmetricSigner.generate(algorithm), let verifier = signer.verifier else { fail("key") }
        guard let signature = try? signer.sign(signingInput) else { fail("sign") }
        let heavy = algorithm == .rs256 || algorithm == .ps256
        try await measure("sign.\(name)", ops: heavy ? 2_000 : 20_000) { _ in try signer.sign(signingInput).count }
        await measure("verify.\(name)", ops: heavy ? 40_000 : 20_000) { _ in
            guard verifier.verify(signature, for: signingInput) else { fail("verify") }
            return 1
        }

        if let publicJWK = signer.publicJWK {
            let verification = CryptoKeyVerification()
            await measure("keyverify.\(name)", ops: heavy ? 40_000 : 20_000) { _ in
                guard let built = verification.verifier(for: publicJWK, algorithm: algorithm),
                    built.verify(signature, for: signingInput)
                else { fail("verify with a verifier built from the JWK") }
                return 1
            }
        }

        let now = Date()
        let claims = JWTClaims(
            issuer: issuer, subject: "32a9a4d0-cb6e-463f-a0ab-63d0a0418bc7", audience: ["bench-web"],
            expiresAt: now + 3600, issuedAt: now, authTime: now, nonce: "n-0S6_WzA2Mj", authorizedParty: "bench-web",
            accessTokenHash: JWT.halfHash("gat_" + String(repeating: "x", count: 43)))
        try await measure("idtoken.\(name)", ops: heavy ? 2_000 : 20_000) { _ in try JWT.sign(claims, signer: signer).utf8.count }
        let idToken = try JWT.sign(claims, signer: signer)
        try await measure("idtoken.verify.\(name)", ops: heavy ? 20_000 : 10_000) { _ in
            try JWT.verify(idToken, expecting: algorithm, verifiers: [verifier], now: now, leeway: 5).audience.count
        }

        var policy = Policy()
        policy.resources = ResourceRegistry(
            [ProtectedResource("https://api.example.com"), ProtectedResource(tools, tokenFormat: .jwt)],
            defaults: ["https://api.example.com"])
        let server = AuthorizationServer(
            issuer: issuer, policy: policy,
            clients: benchClients(),
            signingKeys: try SigningKeys(active: signer))
        let request = OAuthRequest.form(
            "/token", "grant_type=client_credentials&scope=public&resource=https%3A%2F%2Ftools.example.com%2Fmcp",
            headers: ["Authorization": basic])
        await measure("jwtat.cc.\(name)", ops: heavy ? 2_000 : 10_000) { _ in
            let response = await server.token(request)
            guard response.status == 200 else { fail("token answered \(response.status)") }
            return response.body.count
        }
        let response = await server.token(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let accessToken = object["access_token"] as? String
        else { fail("no access token") }
        let resourceServer = JWTAccessToken.Verifier(
            issuer: issuer, resource: tools,
            verifiers: CryptoKeyVerification().verifiers(for: try JWKSet(json: server.signingKeys?.jwks ?? [])))
        try await measure("jwtat.verify.\(name)", ops: heavy ? 20_000 : 10_000) { _ in
            try resourceServer.verify(accessToken, now: Date()).jwtID.utf8.count
        }

        if algorithm == .es256 {
            let opaque = OAuthRequest.form("/token", "grant_type=client_credentials&scope=public", headers: ["Authorization": basic])
            await measure("cc.basic", ops: 10_000) { _ in
                let response = await server.token(opaque)
                guard response.status == 200 else { fail("token answered \(response.status)") }
                return response.body.count
            }
        }
        // The assertions are signed before the clock starts: skipped when the scenario is not run.
        if only.map({ prefixes in prefixes.contains { "pkjwt.cc.\(name)".hasPrefix($0) } }) ?? true {
            guard let publicKey = signer.publicJWK else { fail("no public JWK") }
            let keyClient: ClientID = "bench-key-client"
            let keyServer = AuthorizationServer(
                issuer: issuer,
                clients: InMemoryClientStore([
                    Client(
                        id: keyClient, authentication: .privateKeyJWT(.jwks(JWKSet(keys: [publicKey]))),
                        grantTypes: [.clientCredentials])
                ]),
                publicKeyVerification: CryptoKeyVerification())
            let baseOps = heavy ? 1_000 : 5_000
            let ops = max(1, Int(Double(baseOps) * scale))
            let assertionType = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
            let requests = try (0..<(min(ops, 50) + runs * ops)).map { n in
                let assertion = try JWT.sign(
                    JWTClaims(
                        issuer: keyClient.rawValue, subject: keyClient.rawValue, audience: [issuer + "/token"],
                        expiresAt: now + 3000, issuedAt: now, jwtID: "bench-\(n)"),
                    signer: signer)
                return OAuthRequest.form(
                    "/token",
                    "grant_type=client_credentials&scope=public&client_assertion_type=\(assertionType)&client_assertion=\(assertion)")
            }
            var next = 0
            await measure("pkjwt.cc.\(name)", ops: baseOps) { _ in
                let response = await keyServer.token(requests[next])
                next += 1
                guard response.status == 200 else { fail("private_key_jwt token answered \(response.status)") }
                return response.body.count
            }
        }
    }
    // DPoP (RFC 9449): one resource request with an opaque token, as a bearer token and bound to a key.
    do {
        guard let key = try? AsymmetricSigner.generate(.es256), let jwk = key.publicJWK else { fail("key") }
        var policy = Policy()
        policy.dpop.proofLifetime = 600  // the proofs are made before the timed runs
        let server = AuthorizationServer(
            issuer: issuer, policy: policy,
            clients: benchClients(),
            publicKeyVerification: CryptoKeyVerification())
        let publicJWK = String(decoding: JWK(jwk.key).json, as: UTF8.self)
        func proof(_ method: String, _ uri: String, accessToken: String?, jti: Int) throws -> String {
            let header = #"{"typ":"dpop+jwt","alg":"ES256","jwk":\#(publicJWK)}"#
            var claims = #"{"htm":"\#(method)","htu":"\#(uri)","iat":\#(Int(Date().timeIntervalSince1970)),"jti":"j\#(jti)""#
            if let accessToken { claims += #","ath":"\#(Base64URL.encode(Digest256(hashing: accessToken).bytes))""# }
            claims += "}"
            let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
            return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
        }
        func token(_ proof: String?) async -> String {
            var request = OAuthRequest.form("/token", "grant_type=client_credentials&scope=public", headers: ["Authorization": basic])
            if let proof { request.headers.append("DPoP", proof) }
            let response = await server.token(request)
            guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                let value = object["access_token"] as? String
            else { fail("token answered \(response.status)") }
            return value
        }
        let resourceGuard = server.resourceGuard()
        let bearerToken = await token(nil)
        let bearer = OAuthRequest(method: .get, path: "/user", headers: ["Authorization": "Bearer \(bearerToken)"])
        await measure("resource.bearer", ops: 20_000) { _ in
            guard case .allowed = await resourceGuard.check(bearer, requiring: []) else { fail("bearer refused") }
            return 1
        }
        let boundToken = await token(try proof("POST", issuer + "/token", accessToken: nil, jti: -1))
        let ops = max(1, Int(10_000 * scale))
        // Signed before the clock starts: skipped when the scenario is not run.
        let dpopRuns = only.map { prefixes in prefixes.contains { "resource.dpop.ES256".hasPrefix($0) } } ?? true
        let proofs = try (0..<(dpopRuns ? min(ops, 50) + ops * runs : 0)).map { try proof("GET", issuer + "/user", accessToken: boundToken, jti: $0) }
        var next = 0
        await measure("resource.dpop.ES256", ops: 10_000) { _ in
            var request = OAuthRequest(method: .get, path: "/user", headers: ["Authorization": "DPoP \(boundToken)"])
            request.headers.append("DPoP", proofs[next])
            next += 1
            guard case .allowed = await resourceGuard.check(request, requiring: []) else { fail("DPoP refused") }
            return 1
        }
    }
}

try await runScenarios()
if sink == 42 { print("") }
