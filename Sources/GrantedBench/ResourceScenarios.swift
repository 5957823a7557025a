import Foundation
@_spi(Benchmarks) import Granted

// MARK: JWT access tokens (RFC 9068)

extension Scenario {
    static let tools: ResourceIdentifier = "https://tools.example.com/mcp"

    /// Client credentials for a resource that wants JWT access tokens: the same request as `cc`
    /// with `resource=`, so the difference is the JWT (claims, HS256, the digest recorded);
    /// and the resource server's offline check of those tokens.
    static let jwtAccessToken = Scenario(
        name: "jwtat", measures: ["jwtat.cc", "jwtat.verify"],
        summary: "client credentials answered with an RFC 9068 JWT access token (HS256), and its offline verification"
    ) { bench in
        let options = bench.options
        let ops = options.ops(200_000)
        let (server, raw, signer) = jwtAccessTokenServer(prefill: options.prefill, willIssue: bench.totalOps(ops) + 1)
        var bodyBytes = 0
        if options.selects("jwtat.cc") {
            await bench.measure(name: "jwtat.cc", ops: ops) { _ in
                let response = await server.token(raw.makeRequest())
                guard response.status == 200 else { fail("jwtat answered \(response.status): \(response.bodyText)") }
                bodyBytes &+= response.body.count
            }
        }
        if options.selects("jwtat.verify") {
            let response = await server.token(raw.makeRequest())
            guard let token = Fixture.accessToken(fromBody: response.body), token.hasPrefix("eyJ") else {
                fail("no JWT access token: \(response.bodyText)")
            }
            let verifier = JWTAccessToken.Verifier(issuer: Fixture.issuer, resource: tools, verifiers: [signer])
            let now = Date()
            await bench.measure(name: "jwtat.verify", ops: options.ops(500_000)) { _ in
                guard let claims = try? verifier.verify(token, now: now) else { fail("the verifier refused its token") }
                bodyBytes &+= claims.jwtID.utf8.count
            }
        }
        blackHole(bodyBytes)
    }

    /// A server whose `tools` resource wants JWT access tokens signed with HS256, the client
    /// credentials request for one, and the signer.
    static func jwtAccessTokenServer(prefill: Int, willIssue: Int) -> (AuthorizationServer, RawRequest, HS256Signer) {
        guard let signer = try? HS256Signer(key: FlowFixture.signingKey, keyID: "bench") else { fail("key") }
        var policy = Policy()
        policy.allowsSymmetricIDTokenSignatures = true
        policy.resources = ResourceRegistry(
            [ProtectedResource("https://api.example.com"), ProtectedResource(tools, tokenFormat: .jwt)],
            defaults: ["https://api.example.com"])
        let raw = RawRequest.token(body: "grant_type=client_credentials&scope=public&resource=https%3A%2F%2Ftools.example.com%2Fmcp")
        let fixture = Fixture(prefill: prefill, willIssue: willIssue, policy: policy, signingKeys: try? SigningKeys(active: signer))
        return (fixture.server, raw, signer)
    }

    /// One JWT access token as the scenario's server issues it: what the HS256 primitives sign.
    static func sampleJWTAccessToken() async -> String {
        let (server, raw, _) = jwtAccessTokenServer(prefill: 0, willIssue: 1)
        let response = await server.token(raw.makeRequest())
        guard let token = Fixture.accessToken(fromBody: response.body), token.hasPrefix("eyJ") else {
            fail("no JWT access token: \(response.bodyText)")
        }
        return token
    }
}
