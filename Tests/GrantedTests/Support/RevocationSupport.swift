import Foundation
import Testing
@_spi(Testing) @testable import Granted
import GrantedTesting

/// A server for the revocation (RFC 7009) and introspection (RFC 7662) tests: `TestServer`'s and
/// `CodeFlow`'s clients plus a resource server that introspects, an in-memory store, a manual
/// clock, and the claims source and introspection access a test asks for. Tokens come from real
/// flows, and every call is an `OAuthRequest` as a client or resource server sends it.
struct RevocationFlow: Sendable {
    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let clock: ManualClock

    /// Confidential, with no grant of its own: the protected resource that introspects (RFC 7662 §2.1).
    static let resourceServer = BasicCredentials(clientID: "resource-server", secret: "resource-server-secret")

    /// The whole body of an introspection response for a token that is not active (RFC 7662 §2.2).
    static let inactiveBody = #"{"active":false}"#

    init(
        policy: Policy = Policy(), claims: (any ClaimsSource)? = nil,
        introspectionAccess: IntrospectionAccess? = .confidentialClients
    ) {
        let clients = TestServer.clients()
        for client in CodeFlow.clients() { clients.register(client) }
        clients.register(
            Client(
                id: Self.resourceServer.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(Self.resourceServer.secret)),
                grantTypes: [], resourceServer: true))
        clock = ManualClock(TestServer.start)
        store = InMemoryGrantStore()
        var policy = policy
        if let introspectionAccess { policy.introspectionAccess = introspectionAccess }
        server = AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, store: store, clock: clock, claims: claims)
    }

    // MARK: Requests

    /// A form POST to `path`, authenticated as `caller` would (nil: no client authentication at all).
    static func request(_ path: String, _ parameters: [(String, String?)], as caller: CodeFlow.Caller?) -> OAuthRequest {
        RequestBuilder.form(path, parameters, as: caller)
    }

    /// `POST /revoke` (RFC 7009 §2.1).
    func revoke(_ token: String, hint: String? = nil, as caller: CodeFlow.Caller?) async -> OAuthResponse {
        await server.revoke(Self.request("/revoke", [("token", token), ("token_type_hint", hint)], as: caller))
    }

    /// `POST /introspect` (RFC 7662 §2.1), by default as the resource server with HTTP Basic.
    func introspect(
        _ token: String, hint: String? = nil, as caller: CodeFlow.Caller? = .resourceServer
    ) async -> OAuthResponse {
        await server.introspect(Self.request("/introspect", [("token", token), ("token_type_hint", hint)], as: caller))
    }

    /// The members of the resource server's introspection response; records an issue when refused.
    func introspection(
        of token: String, hint: String? = nil, as caller: CodeFlow.Caller = .resourceServer
    ) async throws -> [String: Any] {
        let response = await introspect(token, hint: hint, as: caller)
        try #require(response.status == 200, "introspection refused: \(response.status) \(response.bodyText)")
        return try response.jsonObject()
    }

    /// Whether introspection calls the token active.
    func isActive(_ token: String, hint: String? = nil) async throws -> Bool {
        try await introspection(of: token, hint: hint)["active"] as? Bool == true
    }

    // MARK: Tokens from real flows

    /// An app-only access token of `service` (client credentials, RFC 6749 §4.4).
    func appToken(scope: String? = nil) async throws -> String {
        try await TestServer.issueToken(server, scope: scope)
    }

    /// A client that goes through the code flow.
    enum App: Sendable {
        /// `CodeFlow.webApp`, confidential, HTTP Basic.
        case web
        /// `CodeFlow.otherApp`, confidential, HTTP Basic.
        case other
        /// `CodeFlow.nativeApp`, public, PKCE.
        case native

        var caller: CodeFlow.Caller {
            switch self {
            case .web: CodeFlow.web
            case .other: CodeFlow.other
            case .native: CodeFlow.native
            }
        }

        var redirectURI: String {
            switch self {
            case .web: CodeFlow.webAppRedirect
            case .other: CodeFlow.otherAppRedirect
            case .native: CodeFlow.nativeAppRedirect
            }
        }

        func codeRequest(scope: String?) throws -> [(String, String?)] {
            switch self {
            case .web: CodeFlow.codeRequest(scope: scope)
            case .other:
                CodeFlow.codeRequest(client: CodeFlow.otherApp.clientID, redirectURI: redirectURI, scope: scope)
            case .native: try CodeFlow.nativeCodeRequest(scope: scope)
            }
        }

        func verifier() throws -> String? {
            self == .native ? try PKCEVector.rfc7636().verifier : nil
        }
    }

    /// `subject` approves `app`, which redeems the code (RFC 6749 §4.1): an access and a refresh token.
    func signIn(
        _ app: App = .web, scope: String? = nil, subject: Subject = CodeFlow.alice
    ) async throws -> CodeFlow.Tokens {
        let target = CodeFlow.target(try app.codeRequest(scope: scope))
        let validation = await server.validate(OAuthRequest(method: .get, target: target))
        let request = try #require(validation.request, "not valid: \(validation)")
        let redirect = try CodeFlow.Redirect(await server.approve(request, subject: subject, authTime: clock.now))
        let code = try #require(redirect["code"], "no code in \(redirect.parameters)")
        return try CodeFlow.Tokens(
            await server.token(
                app.caller.tokenRequest([
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", app.redirectURI),
                    ("code_verifier", try app.verifier()),
                ])))
    }

    /// `grant_type=refresh_token` (RFC 6749 §6).
    func refresh(_ token: String, as app: App = .web) async -> OAuthResponse {
        await server.token(app.caller.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", token)]))
    }

    /// Whether the resource guard lets `Authorization: Bearer token` through.
    func verifies(_ token: String) async -> Bool {
        await server.resourceGuard().check(
            TestServer.resourceRequest(["Authorization": "Bearer \(token)"]), requiring: []
        ).grant != nil
    }
}

extension CodeFlow.Caller {
    /// `TestServer.service` with HTTP Basic: the owner of the app-only tokens.
    static let service = Self.basic(TestServer.service)
    /// The resource server with HTTP Basic.
    static let resourceServer = Self.basic(RevocationFlow.resourceServer)
}

/// A kind of token a client may present to the revocation or introspection endpoint, issued
/// through its real flow.
enum PresentedToken: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Client credentials, `service`'s.
    case appAccessToken = "app access token"
    /// The code flow, the web app's for alice.
    case userAccessToken = "user access token"
    /// The code flow, the web app's for alice.
    case refreshToken = "refresh token"

    var testDescription: String { rawValue }

    /// The token value and the client it was issued to.
    func issue(_ flow: RevocationFlow) async throws -> (value: String, owner: CodeFlow.Caller) {
        switch self {
        case .appAccessToken:
            return (try await flow.appToken(), .service)
        case .userAccessToken:
            return (try await flow.signIn().accessToken, CodeFlow.web)
        case .refreshToken:
            return (try #require(try await flow.signIn().refreshToken), CodeFlow.web)
        }
    }

    /// The `token_type_hint` that names this kind (RFC 7009 §2.1), and one that names the other kind.
    var rightHint: String { self == .refreshToken ? "refresh_token" : "access_token" }
    var wrongHint: String { self == .refreshToken ? "access_token" : "refresh_token" }
}

/// Client authentication that must fail (RFC 6749 §2.3, §5.2), as the revocation and
/// introspection endpoints receive it.
enum BadClientAuthentication: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case none = "no client authentication"
    case unknownClient = "an unknown client with HTTP Basic"
    case wrongSecretBasic = "a wrong secret with HTTP Basic"
    case wrongSecretPost = "a wrong client_secret in the body"
    case malformedBasic = "a malformed Basic header"
    case publicClientWithSecret = "a public client sending a secret"
    case confidentialWithoutSecret = "a confidential client sending only its client_id"

    var testDescription: String { rawValue }

    /// Whether the client tried the `Authorization` header, which RFC 6749 §5.2 answers with a challenge.
    var triedBasic: Bool {
        switch self {
        case .unknownClient, .wrongSecretBasic, .malformedBasic: true
        case .none, .wrongSecretPost, .publicClientWithSecret, .confidentialWithoutSecret: false
        }
    }

    /// A form POST to `path` carrying `parameters` and this failed authentication.
    func request(_ path: String, _ parameters: [(String, String?)]) -> OAuthRequest {
        let wrong = "not-the-secret"
        switch self {
        case .none:
            return RevocationFlow.request(path, parameters, as: nil)
        case .unknownClient:
            return RevocationFlow.request(
                path, parameters, as: .basic(BasicCredentials(clientID: "nobody", secret: wrong)))
        case .wrongSecretBasic:
            return RevocationFlow.request(
                path, parameters, as: .basic(BasicCredentials(clientID: TestServer.service.clientID, secret: wrong)))
        case .wrongSecretPost:
            return RevocationFlow.request(
                path, parameters, as: .body(BasicCredentials(clientID: TestServer.service.clientID, secret: wrong)))
        case .malformedBasic:
            return OAuthRequest.form(path, FormEncoding.encode(parameters), headers: ["Authorization": "Basic !!!"])
        case .publicClientWithSecret:
            return RevocationFlow.request(
                path, parameters, as: .body(BasicCredentials(clientID: CodeFlow.nativeApp, secret: wrong)))
        case .confidentialWithoutSecret:
            return RevocationFlow.request(path, parameters, as: .publicClient(TestServer.service.clientID))
        }
    }
}

/// A host's user directory as its `ClaimsSource`.
struct UserDirectory: ClaimsSource {
    let users: [Subject: [String: ClaimValue]]
    func claims(for subject: Subject) async throws -> [String: ClaimValue]? { users[subject] }
}

extension OAuthResponse {
    /// A JSON error body as RFC 6749 §5.2 defines it: an object whose `error` is one of `codes`,
    /// whose `error_description`, if any, keeps to %x20-21 / %x23-5B / %x5D-7E, served as
    /// `application/json` and not cacheable.
    func isOAuthError(among codes: Set<String>) -> Bool {
        guard let json = try? jsonObject(), let code = json["error"] as? String, codes.contains(code) else {
            return false
        }
        if let description = json["error_description"] {
            guard let text = description as? String,
                text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
            else { return false }
        }
        return headers["Content-Type"]?.hasPrefix("application/json") == true && isNotCacheable
    }
}

// MARK: - Verifications racing a revocation

/// Orders verifications around a revocation. Every start, finish and revocation takes the next
/// number from one counter under a lock, so "started after `revoke` returned" is a comparison.
final class VerificationLog: Sendable {
    struct Entry: Sendable {
        let started: Int
        let finished: Int
        let succeeded: Bool
    }
    private struct State {
        var next = 0
        var entries: [Entry] = []
        var stopped = false
        var finishedWorkers = 0
    }
    private let state = Locked(State())

    /// The next number of the order.
    func tick() -> Int {
        state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    /// Records a verification that began at `started` and ends now.
    func record(started: Int, succeeded: Bool) {
        state.withLock { state in
            state.entries.append(Entry(started: started, finished: state.next, succeeded: succeeded))
            state.next += 1
        }
    }

    var entries: [Entry] { state.withLock { $0.entries } }
    var isStopped: Bool { state.withLock { $0.stopped } }
    func stop() { state.withLock { $0.stopped = true } }
    func workerFinished() { state.withLock { $0.finishedWorkers += 1 } }

    /// How many verifications finished, and how many of those started after `number`.
    func counts(startedAfter number: Int) -> (finished: Int, startedAfter: Int, workersDone: Int) {
        state.withLock { state in
            (state.entries.count, state.entries.count { $0.started > number }, state.finishedWorkers)
        }
    }
}

/// What happened when `workers` tasks kept calling `attempt` while a revocation ran.
struct RevocationRace: Sendable {
    /// The number taken just before `revoke` was called, and just after it returned.
    let revokeCalled: Int
    let revokeReturned: Int
    let response: OAuthResponse
    let entries: [VerificationLog.Entry]

    /// Attempts that finished before the revocation began.
    var finishedBefore: [VerificationLog.Entry] { entries.filter { $0.finished < revokeCalled } }
    /// Attempts that started after the revocation returned.
    var startedAfter: [VerificationLog.Entry] { entries.filter { $0.started > revokeReturned } }
    /// Whether every attempt that finished before the revocation began succeeded.
    var succeededBefore: Bool { finishedBefore.allSatisfy { $0.succeeded } }
    /// How many attempts that started after the revocation returned still succeeded.
    var lateSuccesses: Int { startedAfter.count { $0.succeeded } }

    /// Starts `workers` tasks that call `attempt` in a loop; once `warmUp` attempts finished,
    /// calls `revoke` once, then lets `cooldown` attempts start after it returned, and stops.
    static func run(
        workers: Int, warmUp: Int = 200, cooldown: Int = 400, attemptsPerWorker: Int = 5_000,
        attempt: @escaping @Sendable () async -> Bool, revoke: @Sendable () async -> OAuthResponse
    ) async -> RevocationRace {
        let log = VerificationLog()
        return await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var attempts = 0
                    while !log.isStopped && attempts < attemptsPerWorker {
                        let started = log.tick()
                        // Suspend between taking the number and the attempt, so that attempts
                        // are in flight on every side of the revocation.
                        await Task.yield()
                        log.record(started: started, succeeded: await attempt())
                        attempts += 1
                        // The in-memory store never suspends: yield, or one worker would hold a
                        // thread for its whole loop and the revocation would come after them all.
                        await Task.yield()
                    }
                    log.workerFinished()
                }
            }
            while true {
                let counts = log.counts(startedAfter: .max)
                if counts.finished >= warmUp || counts.workersDone == workers { break }
                await Task.yield()
            }
            let revokeCalled = log.tick()
            let response = await revoke()
            let revokeReturned = log.tick()
            while true {
                let counts = log.counts(startedAfter: revokeReturned)
                if counts.startedAfter >= cooldown || counts.workersDone == workers { break }
                await Task.yield()
            }
            log.stop()
            await group.waitForAll()
            return RevocationRace(
                revokeCalled: revokeCalled, revokeReturned: revokeReturned, response: response, entries: log.entries)
        }
    }
}

/// Access tokens collected from concurrent tasks.
final class MintedTokens: Sendable {
    private let tokens = Locked<[String]>([])
    func append(_ token: String) { tokens.withLock { $0.append(token) } }
    var values: [String] { tokens.withLock { $0 } }
}
