// The sample of the DocC article "Property-testing your grant rules"
// (Sources/Granted/Granted.docc/PropertyTestingYourGrantRules.md), verbatim between the markers:
// compiled and run here, against Granted's and GrantedTesting's public API only. The suite at
// the end checks that the article still shows exactly this code.
// article sample begin
import Foundation
import Granted
import GrantedTesting
import Testing

/// The deployment under test. In your host this is the `Policy` and the clients your
/// `AuthorizationServer` is built with; here they are written out so the sample stands alone.
enum Deployment {
    static let accessTokenLifetime: TimeInterval = 15 * 60
    static let scopes: [Scope] = ["public", "profile", "email", "reports.read"]
    static let redirectURI = "https://app.example.com/callback"

    static var policy: Policy {
        var policy = Policy()
        policy.accessTokenLifetime = accessTokenLifetime
        policy.knownScopes = ScopeSet(scopes)
        return policy
    }

    /// A web app that signs users in, and a back-end service acting for itself.
    static let web = ClientAuth.basic(BasicCredentials(clientID: "web", secret: "web-secret"))
    static let reporting = ClientAuth.basic(BasicCredentials(clientID: "reporting", secret: "reporting-secret"))

    /// The policy over the in-memory store, with a clock the test moves and bytes from the seed.
    static func server(seed: UInt64, clock: ManualClock) -> AuthorizationServer {
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(
                id: "web", authentication: .clientSecret(hasher.hash("web-secret")), redirectURIs: [redirectURI],
                grantTypes: [.authorizationCode, .refreshToken]),
            Client(
                id: "reporting", authentication: .clientSecret(hasher.hash("reporting-secret")),
                grantTypes: [.clientCredentials], allowedScopes: ["public", "reports.read"]),
        ])
        return AuthorizationServer(
            issuer: "https://auth.example.com", policy: policy, clients: clients, clock: clock,
            random: SeededRandom(seed: seed))
    }
}

@Suite("My policy's grant rules hold for every seed")
struct PropertyTestingArticleTests {
    @Test("an access token never outlives 15 minutes, whichever grant issued it", arguments: 0..<100 as Range<UInt64>)
    func accessTokensExpire(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let clock = ManualClock()
        let server = Deployment.server(seed: seed, clock: clock)
        let resource = server.resourceGuard()
        for _ in 0..<4 {
            let request: OAuthRequest
            if Bool.random(using: &random) {
                request = RequestBuilder.clientCredentials(scope: "reports.read", as: Deployment.reporting)
            } else {
                let code = try await server.authorizeCode(
                    RequestBuilder.codeAuthorization(client: "web", redirectURI: Deployment.redirectURI),
                    subject: "alice")
                request = RequestBuilder.authorizationCode(code, redirectURI: Deployment.redirectURI, as: Deployment.web)
            }
            let tokens = try TokenResponse(await server.token(request))
            let issuedAt = clock.now
            #expect(tokens.expiresIn.map { TimeInterval($0) <= Deployment.accessTokenLifetime } == true)
            // Presented at growing random ages, it works exactly while younger than the lifetime.
            for _ in 0..<3 {
                clock.advance(by: TimeInterval(Int.random(in: 0...600, using: &random)))
                let age = clock.now.timeIntervalSince(issuedAt)
                let decision = await resource.check(RequestBuilder.bearer(tokens.accessToken), requiring: tokens.scopes)
                let allowed = if case .allowed = decision { true } else { false }
                #expect(allowed == (age < Deployment.accessTokenLifetime), "seed \(seed), age \(age) s")
            }
        }
    }

    @Test("a refresh never widens what the user approved, however it narrows", arguments: 0..<100 as Range<UInt64>)
    func refreshNeverWidens(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let server = Deployment.server(seed: seed, clock: ManualClock())
        let resource = server.resourceGuard()
        func someScopes() -> ScopeSet { ScopeSet(Deployment.scopes.filter { _ in Bool.random(using: &random) }) }

        // The user approves part of what the app asks for (RFC 6749 §3.3).
        let approved = someScopes().union(["public"])
        let code = try await server.authorizeCode(
            RequestBuilder.codeAuthorization(
                client: "web", redirectURI: Deployment.redirectURI, scope: ScopeSet(Deployment.scopes).description),
            subject: "alice", scopes: approved)
        let first = try TokenResponse(
            await server.token(RequestBuilder.authorizationCode(code, redirectURI: Deployment.redirectURI, as: Deployment.web)))
        #expect(first.scopes == approved)

        var refreshToken = try #require(first.refreshToken)
        for _ in 0..<6 {
            let asked = someScopes()
            let response = await server.token(
                RequestBuilder.refreshToken(refreshToken, scope: asked.isEmpty ? nil : asked.description, as: Deployment.web))
            guard asked.isSubset(of: approved) else {
                // RFC 6749 §6: never a scope the user did not approve; the refresh token stays usable.
                #expect(response.oauthError == "invalid_scope", "seed \(seed), asked \(asked)")
                continue
            }
            let refreshed = try TokenResponse(response)
            #expect(refreshed.scopes == (asked.isEmpty ? approved : asked), "seed \(seed)")
            // What the resource server enforces: a narrowed token is not enough for the whole grant.
            let decision = await resource.check(RequestBuilder.bearer(refreshed.accessToken), requiring: approved)
            let allowed = if case .allowed = decision { true } else { false }
            #expect(allowed == (refreshed.scopes == approved), "seed \(seed), scopes \(refreshed.scopes)")
            refreshToken = refreshed.refreshToken ?? refreshToken
        }
    }

    @Test("the simulation finds no divergence under my policy", arguments: 0..<100 as Range<UInt64>)
    func simulation(seed: UInt64) async {
        var simulation = GrantSimulation(
            seed: seed, policy: Deployment.policy,
            clients: [
                .confidential("web", secret: "web-secret", redirectURI: Deployment.redirectURI),
                .publicClient("native", redirectURI: "com.example.app:/callback"),
            ],
            store: InMemoryGrantStore())  // or your own GrantStore
        let divergence = await simulation.run(steps: 40)
        #expect(divergence == nil, "\(divergence.map(String.init(describing:)) ?? "")")
    }
}
// article sample end

/// Keeps the article and this file identical: the article's sample must be the code above.
@Suite("Docs: the property-testing article shows the code this file compiles")
struct PropertyTestingArticleSyncTests {
    @Test("the article's Swift sample is, character for character, the code between the markers")
    func articleMatchesThisFile() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let article = try String(
            contentsOf: root.appendingPathComponent("Sources/Granted/Granted.docc/PropertyTestingYourGrantRules.md"),
            encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let sample = try #require(Self.between("// article sample begin\n", "// article sample end\n", in: source))
        let block = try #require(Self.between("```swift\n", "```\n", in: article), "the article has no swift block")
        #expect(block == sample, "the article's first swift block differs from this file's sample")
    }

    /// The text after the first `start` up to the next `end`.
    static func between(_ start: String, _ end: String, in text: String) -> String? {
        guard let open = text.range(of: start), let close = text.range(of: end, range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
