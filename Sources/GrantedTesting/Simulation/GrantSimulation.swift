import Foundation
import Granted

/// A deterministic simulation of an authorization server over any `GrantStore`.
///
/// From one seed it draws a sequence of steps (authorize, approve, deny, exchange, replay,
/// refresh, revoke, introspect, user revocation, purge, clock jumps, a device authorization
/// approved and redeemed (RFC 8628), a client authenticating with a JWT assertion whose `jti`
/// may have been used before (RFC 7523 §3), a public client's DPoP-bound code, tokens and
/// refresh token used with fresh, replayed and foreign proofs and as `Bearer` (RFC 9449; the
/// proofs' signatures are a stand-in, `SimulatedKeyVerification`), approvals in one of a few
/// sessions per user and sign-outs of them (Back-Channel Logout 1.0)), some of them racing
/// (two to four exchanges of one code, refreshes of one token, or uses of one assertion, at
/// once), and drives the
/// server's public endpoints with `OAuthRequest` values. Every answer is checked against a
/// reference model of the rules: which codes are issued, redeemed or purged, which refresh
/// token of each family works, which access tokens are live, expired or revoked, which `jti`s
/// the store holds (`GrantStore.insertOnce`: until a purge past their expiry). Now and then
/// (`faultPercent`) one store call of a step throws, before or after its write; the step may
/// then answer `server_error` instead, and the model learns which of the two outcomes the store
/// kept by reading it, checking that it is one of the two. The first disagreement ends the run
/// as a `Divergence` naming the seed that replays it.
///
/// ```swift
/// @Test(arguments: 0..<200)
/// func simulation(seed: UInt64) async {
///     var simulation = GrantSimulation(seed: seed, store: MyStore())
///     let divergence = await simulation.run(steps: 40)
///     #expect(divergence == nil, "\(divergence!)")
/// }
/// ```
///
/// The model covers a policy's token and code lifetimes, rotation and whether refresh tokens
/// are issued; a refresh grace period, refresh token lifetimes and idle lifetimes are not
/// modelled (`run` reports them as a divergence at step 0).
public struct GrantSimulation: Sendable {
    public let seed: UInt64
    public let policy: Policy
    public let clients: [SimulatedClient]
    /// The host's store, behind the fault injector.
    public let store: FaultInjectingStore
    public let server: AuthorizationServer
    public let clock: ManualClock
    /// How often a step runs with one store call failing, 0 to 100.
    public let faultPercent: Int

    /// How many steps ran concurrent requests (racing exchanges or refreshes).
    public internal(set) var races = 0
    /// How many assertion steps presented a `jti` the store holds (each must be refused).
    public internal(set) var replayedAssertions = 0
    /// How many DPoP steps ran (RFC 9449: bound codes, tokens and refresh tokens).
    public internal(set) var dpopFlows = 0
    /// How many steps ran with a store fault that fired.
    public var faultsFired: Int { store.faultsFired }

    /// Keys the assertion client's `client_secret_jwt` assertions: its derived secret's UTF-8
    /// octets (OpenID Connect Core §16.19).
    let assertionKey: [UInt8]
    var random: SplitMix64
    var model = Model()
    var divergence: Divergence?
    var step = 0

    /// - Parameters:
    ///   - store: a new, empty store; the simulation owns it for the run.
    ///   - clients: registered in an in-memory client store; each must allow the code and
    ///     refresh grants and register its `redirectURI`.
    public init(
        seed: UInt64, policy: Policy = Policy(), clients: [SimulatedClient] = SimulatedClient.standard,
        store: any GrantStore, faultPercent: Int = 5, start: Date = Date(timeIntervalSince1970: 1_700_000_000)
    ) {
        self.seed = seed
        self.policy = policy
        self.clients = clients
        self.faultPercent = faultPercent
        let faulty = FaultInjectingStore(store)
        self.store = faulty
        clock = ManualClock(start)
        random = SplitMix64(seed: seed)
        let issuer = "https://simulation.example.com"
        let serverKey = ServerKey(random: SeededRandom(seed: seed ^ 0x0C1E_4750_0C1E_4750))
        // The derived secret needs the server key before the server exists: a server with the
        // same key, and no clients, issues it.
        let issued = AuthorizationServer(
            issuer: issuer, clients: InMemoryClientStore([]), random: SeededRandom(seed: seed), serverKey: serverKey
        ).issueDerivedClientSecret(for: SimulatedClient.assertionClientID)
        assertionKey = Array(issued.secret.utf8)
        let assertionClient = Client(
            id: SimulatedClient.assertionClientID, authentication: .clientSecret(issued.stored, methods: [.jwt]),
            grantTypes: [.clientCredentials], allowedScopes: [.public])
        // Logout tokens (Back-Channel Logout 1.0 §2.4) are signed with an HS256 key from the seed.
        var serverPolicy = policy
        serverPolicy.allowsSymmetricIDTokenSignatures = true
        server = AuthorizationServer(
            issuer: issuer, policy: serverPolicy,
            clients: InMemoryClientStore(clients.map(\.client) + [assertionClient]), store: faulty, clock: clock,
            random: SeededRandom(seed: seed ^ 0x5EED_5EED_5EED_5EED),
            signingKeys: Self.logoutSigner(seed: seed).flatMap { try? SigningKeys(active: $0) }, serverKey: serverKey,
            publicKeyVerification: SimulatedKeyVerification())
    }

    /// Runs `steps` random steps, then checks every token the model knows.
    /// - Returns: the first divergence, or nil when every answer was one the model allows.
    public mutating func run(steps: Int = 40) async -> Divergence? {
        guard policy.refreshTokenGracePeriod == 0, policy.refreshTokenLifetime == nil,
            policy.refreshTokenIdleLifetime == nil, !universe.isEmpty, !clients.isEmpty
        else {
            return Divergence(
                seed: seed, step: 0, action: "configuration",
                expected: "no refresh grace period or refresh lifetimes, and a known scope among public, profile, email",
                actual: "a policy or client list the model does not cover")
        }
        for index in 0..<steps {
            step = index
            await randomStep()
            if divergence == nil { await checkSomeTokens(count: 3) }
            if let divergence { return divergence }
        }
        step = steps
        await checkSomeTokens(count: model.tokens.count)
        return divergence
    }

    /// Records the first divergence; later ones are consequences and are dropped.
    mutating func diverged(_ action: String, expected: String, actual: String) {
        guard divergence == nil else { return }
        divergence = Divergence(seed: seed, step: step, action: action, expected: expected, actual: actual)
    }

    /// Checks `condition`, recording a divergence when it fails; answers it.
    @discardableResult
    mutating func check(
        _ condition: Bool, _ action: String, expected: @autoclosure () -> String, actual: @autoclosure () -> String
    ) -> Bool {
        if !condition { diverged(action, expected: expected(), actual: actual()) }
        return condition
    }

    var now: Date { clock.now }

    /// The scopes the simulation asks for: those of `public`, `profile`, `email` the policy knows.
    var universe: [Scope] { [Scope.public, .profile, .email].filter(policy.knownScopes.contains) }

    // MARK: Random choices

    mutating func index(_ count: Int) -> Int { Int.random(in: 0..<count, using: &random) }
    mutating func element<T>(_ array: [T]) -> T { array[index(array.count)] }
    mutating func chance(_ percent: Int) -> Bool { index(100) < percent }
    mutating func subset(of scopes: some Sequence<Scope>) -> ScopeSet {
        ScopeSet(scopes.filter { _ in Bool.random(using: &random) })
    }
    mutating func nonEmptySubset(of scopes: [Scope]) -> ScopeSet {
        let picked = subset(of: scopes)
        return picked.isEmpty ? [element(scopes)] : picked
    }

    /// Arms a fault for the coming step with `faultPercent` chance: one of its first four store
    /// calls fails, before or after its write.
    mutating func maybeArmFault() {
        guard faultPercent > 0, chance(faultPercent) else { return }
        store.arm(call: index(4), timing: chance(50) ? .beforeWrite : .afterWrite)
    }
}

/// What the simulation believes the server holds: only what a client or user saw, and what
/// the rules say follows from it.
struct Model: Sendable {
    struct Pair: Hashable, Comparable, Sendable {
        let subject: Subject
        let client: Int
        static func < (lhs: Pair, rhs: Pair) -> Bool {
            (lhs.subject.rawValue, lhs.client) < (rhs.subject.rawValue, rhs.client)
        }
    }
    struct Pending: Sendable {
        let request: AuthorizationRequest
        let pair: Pair
        let pkce: PKCEPair?
    }
    struct Code: Sendable {
        let value: String
        let pair: Pair
        let pkce: PKCEPair?
        let scopes: ScopeSet
        let issuedAt: Date
        let epoch: Int
        /// When it was redeemed (by a client that saw tokens or not); nil: still issued.
        var redeemedAt: Date?
        /// The family its redemption issued, when a client saw it.
        var family: Int?
        /// Deleted by a purge: any presentation is now an unknown code.
        var purged = false
        var grants = 0
    }
    struct Family: Sendable {
        let pair: Pair
        let scopes: ScopeSet
        let epoch: Int
        let rotates: Bool
        /// Every refresh token of the family a client saw.
        var refreshTokens: [String]
        /// The one that works; nil when a faulted rotation replaced it with one nobody saw.
        var current: String?
        var revoked = false
    }
    struct Token: Sendable {
        let value: String
        let pair: Pair
        let scopes: ScopeSet
        let expiresAt: Date?
        let family: Int?
        let epoch: Int
        var revoked = false
    }

    static let subjects: [Subject] = ["alice", "bob"]

    /// Bumped when a pair's authorization is revoked: what an older epoch issued is dead.
    var epochs: [Pair: Int] = [:]
    /// When each epoch of a pair was revoked (purge cascades from it).
    var revokedAt: [Pair: [Int: Date]] = [:]
    /// The scopes of each pair's active authorization; absent when there is none.
    var approved: [Pair: ScopeSet] = [:]
    /// What the store holds for each `jti` the assertion client used (RFC 7523 §3 item 7).
    enum OneTimeUse: Sendable {
        /// Recorded: refused until a purge past `until` (its `exp` plus the leeway) deletes it.
        case recorded(until: Date)
        /// Never recorded, or purged: the next valid assertion with it is accepted.
        case free
    }

    var pending: [Pending] = []
    /// Keyed by `jti`; one whose fate a store fault left unknown is dropped and never used again.
    var oneTimeUses: [String: OneTimeUse] = [:]
    var codes: [Code] = []
    var families: [Family] = []
    var tokens: [Token] = []
    /// Users' sessions and what sign-out ends (GrantSimulation+SignOut.swift).
    var sessions = SimulatedSessions()

    func isAlive(_ pair: Pair, epoch: Int) -> Bool {
        approved[pair] != nil && epochs[pair, default: 0] == epoch
    }

    func isLive(_ token: Token, at now: Date) -> Bool {
        guard !token.revoked, token.expiresAt.map({ now < $0 }) ?? true, isAlive(token.pair, epoch: token.epoch)
        else { return false }
        return token.family.map { !families[$0].revoked } ?? true
    }
}
