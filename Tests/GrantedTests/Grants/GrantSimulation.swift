import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// The server under test for `GrantPropertyTests`, and a model of what it should have issued:
/// each step draws from a seeded `SplitMix64`, acts through HTTP values, and checks the answer
/// against the model; `checkInvariants` then checks every token and family the model knows.
struct GrantSimulation {
    struct Pair: Hashable, Comparable {
        let subject: Subject
        let client: ClientID
        static func < (lhs: Pair, rhs: Pair) -> Bool {
            (lhs.subject.rawValue, lhs.client.rawValue) < (rhs.subject.rawValue, rhs.client.rawValue)
        }
    }
    struct Pending {
        let request: AuthorizationRequest
        let pair: Pair
        let verifier: String?
    }
    struct Code {
        let value: String
        let pair: Pair
        let verifier: String?
        let scopes: ScopeSet
        let issuedAt: Date
        let epoch: Int
        var redeemed = false
        var family: Int?
        var grants = 0
    }
    struct Family {
        let pair: Pair
        let scopes: ScopeSet
        let epoch: Int
        let rotates: Bool
        var refreshTokens: [String]
        var current: String
        var revoked = false
    }
    struct Token {
        let value: String
        let pair: Pair
        let scopes: ScopeSet
        let expiresAt: Date
        let family: Int?
        let epoch: Int
    }

    static let universe: [Scope] = [.public, .profile, .email]
    static let subjects: [Subject] = [CodeFlow.alice, CodeFlow.bob]
    static let clients: [ClientID] = [CodeFlow.webApp.clientID, CodeFlow.nativeApp]
    static let accessTokenLifetime: TimeInterval = 14 * 24 * 3600
    static let codeLifetime: TimeInterval = 30

    let seed: UInt64
    let flow: CodeFlow
    /// Whether confidential clients rotate too (public ones always do).
    let rotatesConfidential: Bool
    var random: SplitMix64
    /// Bumped when a pair's authorization is revoked: what an older epoch issued is dead.
    var epochs: [Pair: Int] = [:]
    /// The scopes of each pair's active authorization; absent when there is none.
    var approved: [Pair: ScopeSet] = [:]
    var pending: [Pending] = []
    var codes: [Code] = []
    var families: [Family] = []
    var tokens: [Token] = []

    init(seed: UInt64) {
        self.seed = seed
        random = SplitMix64(state: seed)
        rotatesConfidential = Bool.random(using: &random)
        var policy = Policy()
        policy.rotatesRefreshTokens = rotatesConfidential
        flow = CodeFlow(policy: policy)
    }

    var now: Date { flow.clock.now }

    func isAlive(_ pair: Pair, epoch: Int) -> Bool {
        approved[pair] != nil && epochs[pair, default: 0] == epoch
    }

    func note(_ step: Int, _ text: String) -> Comment {
        Comment(rawValue: "seed \(seed) step \(step): \(text)")
    }

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

    /// A PKCE verifier of 43 to 128 unreserved characters (RFC 7636 §4.1).
    mutating func verifier() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return String((0..<Int.random(in: 43...128, using: &random)).map { _ in element(alphabet) })
    }

    // MARK: Steps

    mutating func randomStep(_ step: Int) async throws {
        switch index(20) {
        case 0..<4: await authorize(step)
        case 4..<7: try await approve(step)
        case 7: try await deny(step)
        case 8..<12: try await redeem(step)
        case 12..<15: try await refresh(step)
        case 15: try await revoke(step)
        default: advanceClock()
        }
    }

    mutating func authorize(_ step: Int) async {
        let client = element(Self.clients)
        let pair = Pair(subject: element(Self.subjects), client: client)
        let isPublic = client == CodeFlow.nativeApp
        let requested: ScopeSet? = chance(25) ? nil : nonEmptySubset(of: Self.universe)
        let verifier = isPublic || chance(50) ? verifier() : nil
        let parameters = CodeFlow.codeRequest(
            client: client, redirectURI: isPublic ? CodeFlow.nativeAppRedirect : CodeFlow.webAppRedirect,
            scope: requested?.description, challenge: verifier.map { Base64URL.encode(SHA256.hash($0).bytes) })
        let validation = await flow.validate(parameters)
        guard let request = validation.request else {
            Issue.record(note(step, "authorization request refused: \(validation)"))
            return
        }
        #expect(request.scopes == requested ?? [.public], note(step, "requested scopes"))
        pending.append(Pending(request: request, pair: pair, verifier: verifier))
    }

    mutating func approve(_ step: Int) async throws {
        guard !pending.isEmpty else { return await authorize(step) }
        let item = pending.remove(at: index(pending.count))
        let asked = item.request.scopes
        let choice: ScopeSet? =
            switch index(3) {
            case 0: nil
            case 1: subset(of: asked)
            default: subset(of: Self.universe)
            }
        let effective = choice.map { $0.intersection(asked) } ?? asked
        let response = await flow.server.approve(
            item.request, subject: item.pair.subject, scopes: choice, authTime: now)
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect["state"] == CodeFlow.state, note(step, "state"))
        guard !effective.isEmpty else {
            #expect(redirect.error == "access_denied", note(step, "approving nothing is a denial"))
            return
        }
        guard let code = redirect["code"] else {
            Issue.record(note(step, "approval without code: \(redirect.parameters)"))
            return
        }
        #expect(redirect["scope"] == (effective == asked ? nil : effective.description), note(step, "scope"))
        approved[item.pair] = (approved[item.pair] ?? .empty).union(effective)
        codes.append(
            Code(
                value: code, pair: item.pair, verifier: item.verifier, scopes: effective, issuedAt: now,
                epoch: epochs[item.pair, default: 0]))
    }

    mutating func deny(_ step: Int) async throws {
        guard !pending.isEmpty else { return await authorize(step) }
        let item = pending.remove(at: index(pending.count))
        let redirect = try CodeFlow.Redirect(flow.server.deny(item.request))
        #expect(redirect.error == "access_denied", note(step, "deny"))
        #expect(redirect["code"] == nil, note(step, "deny"))
    }

    func caller(for client: ClientID) -> CodeFlow.Caller {
        client == CodeFlow.nativeApp ? CodeFlow.native : CodeFlow.web
    }

    func redirectURI(for client: ClientID) -> String {
        client == CodeFlow.nativeApp ? CodeFlow.nativeAppRedirect : CodeFlow.webAppRedirect
    }

    mutating func redeem(_ step: Int) async throws {
        guard !codes.isEmpty else { return try await approve(step) }
        // Mostly fresh codes; now and then one already redeemed, to replay it.
        let redeemed = codes.indices.filter { codes[$0].redeemed }
        let fresh = codes.indices.filter { !codes[$0].redeemed && now < codes[$0].issuedAt + Self.codeLifetime }
        let i =
            if !redeemed.isEmpty && chance(15) { element(redeemed) } else if !fresh.isEmpty && chance(80) {
                element(fresh)
            } else { index(codes.count) }
        let code = codes[i]
        let client = code.pair.client
        let variant = index(10)
        if variant == 0 {
            // Another client presents it: refused, and nothing changes (not even a replay).
            let other = client == CodeFlow.nativeApp ? CodeFlow.webApp.clientID : CodeFlow.nativeApp
            let response = await flow.exchange(
                code.value, as: caller(for: other), redirectURI: redirectURI(for: other), verifier: code.verifier)
            #expect(response.errorCode == "invalid_grant", note(step, "code presented by another client"))
            return
        }
        let wrongVerifier = variant == 1 && code.verifier != nil
        let response = await flow.exchange(
            code.value, as: caller(for: client), redirectURI: redirectURI(for: client),
            verifier: wrongVerifier ? verifier() : code.verifier)
        if response.status == 200 {
            codes[i].grants += 1
            #expect(codes[i].grants <= 1, note(step, "a code yielded tokens twice"))
        }
        if code.redeemed {
            #expect(response.errorCode == "invalid_grant", note(step, "second redemption"))
            if let family = code.family { families[family].revoked = true }
        } else if wrongVerifier || now >= code.issuedAt + Self.codeLifetime {
            #expect(response.errorCode == "invalid_grant", note(step, "wrong verifier or expired code"))
        } else if !isAlive(code.pair, epoch: code.epoch) {
            #expect(response.errorCode == "invalid_grant", note(step, "code of a revoked authorization"))
            codes[i].redeemed = true
        } else {
            guard response.status == 200 else {
                Issue.record(note(step, "redemption refused: \(response.bodyText)"))
                return
            }
            let issued = try CodeFlow.Tokens(response)
            #expect(issued.scope == code.scopes.description, note(step, "token scope"))
            guard let refresh = issued.refreshToken else {
                Issue.record(note(step, "no refresh token"))
                return
            }
            families.append(
                Family(
                    pair: code.pair, scopes: code.scopes, epoch: code.epoch,
                    rotates: client == CodeFlow.nativeApp || rotatesConfidential, refreshTokens: [refresh],
                    current: refresh))
            codes[i].redeemed = true
            codes[i].family = families.count - 1
            record(
                issued.accessToken, pair: code.pair, scopes: code.scopes, family: families.count - 1,
                epoch: code.epoch)
        }
    }

    mutating func refresh(_ step: Int) async throws {
        guard !families.isEmpty else { return try await redeem(step) }
        // Mostly a live family, so that rotation chains grow before a reuse ends them.
        let live = families.indices.filter { !families[$0].revoked }
        let f = !live.isEmpty && chance(80) ? element(live) : index(families.count)
        let family = families[f]
        let presented = chance(70) ? family.current : element(family.refreshTokens)
        let requested: ScopeSet?
        switch index(10) {
        case 0..<6: requested = nil
        case 6..<9: requested = nonEmptySubset(of: family.scopes.scopes)
        default:
            let outside = Self.universe.filter { !family.scopes.contains($0) }
            requested = outside.isEmpty ? nil : family.scopes.union([element(outside)])
        }
        let response = await flow.refresh(presented, as: caller(for: family.pair.client), scope: requested?.description)
        if response.status == 200, let issued = try? CodeFlow.Tokens(response) {
            let scopes = (try? ScopeSet.parse(issued.scope ?? "")) ?? .empty
            #expect(scopes.isSubset(of: family.scopes), note(step, "refresh widened \(family.scopes) to \(scopes)"))
        }
        if !isAlive(family.pair, epoch: family.epoch) {
            #expect(response.errorCode == "invalid_grant", note(step, "refresh of a revoked authorization"))
        } else if let requested, !requested.isSubset(of: family.scopes) {
            #expect(response.errorCode == "invalid_scope", note(step, "wider scope"))
        } else if family.revoked {
            #expect(response.errorCode == "invalid_grant", note(step, "refresh of a revoked family"))
        } else if presented == family.current {
            guard response.status == 200 else {
                Issue.record(note(step, "refresh refused: \(response.bodyText)"))
                return
            }
            let issued = try CodeFlow.Tokens(response)
            let scopes = requested ?? family.scopes
            #expect(issued.scope == scopes.description, note(step, "refreshed scope"))
            if family.rotates {
                guard let next = issued.refreshToken, next != presented else {
                    Issue.record(note(step, "rotation without a new refresh token"))
                    return
                }
                families[f].refreshTokens.append(next)
                families[f].current = next
            } else {
                #expect(issued.refreshToken == nil || issued.refreshToken == presented, note(step, "no rotation"))
            }
            record(issued.accessToken, pair: family.pair, scopes: scopes, family: f, epoch: family.epoch)
        } else {
            #expect(response.errorCode == "invalid_grant", note(step, "reuse of a rotated-out refresh token"))
            families[f].revoked = true
        }
    }

    mutating func revoke(_ step: Int) async throws {
        let active = approved.keys.sorted()
        guard !active.isEmpty else { return advanceClock() }
        let pair = element(active)
        let revoked: Bool
        if chance(50) {
            let listed = try await flow.server.authorizations(of: pair.subject)
            guard let authorization = listed.first(where: { $0.client == pair.client }) else {
                Issue.record(note(step, "active authorization not listed: \(listed)"))
                return
            }
            #expect(authorization.scopes == approved[pair], note(step, "listed scopes"))
            let stranger = Self.subjects.first { $0 != pair.subject } ?? "mallory"
            #expect(
                try await !flow.server.revokeAuthorization(authorization.id, of: stranger),
                note(step, "another user revoked an authorization not theirs"))
            revoked = try await flow.server.revokeAuthorization(authorization.id, of: pair.subject)
        } else {
            revoked = try await flow.server.revokeAuthorization(of: pair.subject, for: pair.client)
        }
        #expect(revoked, note(step, "revoke"))
        approved[pair] = nil
        epochs[pair, default: 0] += 1
    }

    mutating func advanceClock() {
        let day = 24 * 3600
        let seconds =
            switch index(10) {
            case 0..<4: Int.random(in: 1...10, using: &random)
            case 4, 5: Int.random(in: 25...35, using: &random)
            case 6: 3600
            case 7: 14 * day - Int.random(in: 1...5, using: &random)
            case 8: 14 * day + Int.random(in: 0...5, using: &random)
            default: Int.random(in: 0...(20 * day), using: &random)
            }
        flow.clock.advance(by: TimeInterval(seconds))
    }

    mutating func record(_ value: String, pair: Pair, scopes: ScopeSet, family: Int?, epoch: Int) {
        tokens.append(
            Token(
                value: value, pair: pair, scopes: scopes, expiresAt: now + Self.accessTokenLifetime, family: family,
                epoch: epoch))
    }

    // MARK: Invariants

    func checkInvariants(_ step: Int) async {
        for token in tokens {
            let grant = await flow.check(token.value).grant
            let expired = now >= token.expiresAt
            let authorizationAlive = isAlive(token.pair, epoch: token.epoch)
            let familyAlive = token.family.map { !families[$0].revoked } ?? true
            if expired { #expect(grant == nil, note(step, "an expired token verified")) }
            if !authorizationAlive { #expect(grant == nil, note(step, "a token of a revoked authorization verified")) }
            if !familyAlive { #expect(grant == nil, note(step, "a token of a revoked family verified")) }
            #expect((grant != nil) == (!expired && authorizationAlive && familyAlive), note(step, "token liveness"))
            if let grant {
                #expect(grant.scopes == token.scopes, note(step, "token scopes"))
                #expect(
                    token.scopes.isSubset(of: approved[token.pair] ?? .empty),
                    note(step, "token scopes exceed what the user approved"))
                #expect(grant.subject == token.pair.subject, note(step, "token subject"))
                #expect(grant.client == token.pair.client, note(step, "token client"))
            }
        }
        for code in codes {
            #expect(code.grants <= 1, note(step, "a code yielded tokens more than once"))
        }
        // At most one refresh token of a family works: probe copies of the stored family.
        for family in families {
            await checkOneWorks(family, step)
        }
    }

    func checkOneWorks(_ family: Family, _ step: Int) async {
        guard let id = try? await flow.store.familyID(forRefreshToken: SHA256.hash(family.current)),
            let stored = try? await flow.store.family(id)?.family,
            let client = try? await flow.server.clients.client(family.pair.client)
        else {
            Issue.record(note(step, "family not stored"))
            return
        }
        let rules = flow.server.policy.refreshRules(for: client)
        #expect(rules.rotate == family.rotates, note(step, "rotation rule"))
        let working = family.refreshTokens.filter { token in
            var probe = stored
            return probe.use(
                SHA256.hash(token), by: family.pair.client, rotatingTo: SHA256.hash("probe"), accessTokenExpiry: nil,
                at: now, rules: rules) == .granted
        }
        #expect(working.count <= 1, note(step, "\(working.count) refresh tokens of one family work"))
        #expect(working == (family.revoked ? [] : [family.current]), note(step, "the working refresh token"))
    }
}
