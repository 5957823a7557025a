import Foundation
import Granted

/// The steps: each acts through the server's public endpoints, then checks the answer against
/// the model and updates it.
extension GrantSimulation {
    typealias Pair = Model.Pair

    mutating func randomStep() async {
        switch index(28) {
        case 0..<4: await authorize()
        case 4..<7: await approve()
        case 7: await deny()
        case 8..<11: await exchange()
        case 11: await raceExchange()
        case 12..<15: await refresh()
        case 15: await raceRefresh()
        case 16: await revokeToken()
        case 17: await introspect()
        case 18: await revokeAuthorization()
        case 19: await purge()
        case 20: await deviceFlow()
        case 21: await pushedAuthorize()
        case 22, 23: await clientAssertion()
        case 24: await dpopFlow()
        case 25, 26: await signOut()
        default: advanceClock()
        }
    }

    func clientID(_ pair: Pair) -> ClientID { clients[pair.client].client.id }
    var codeLifetime: TimeInterval { policy.authorizationCodeLifetime }

    func rotates(_ client: Int) -> Bool {
        policy.rotatesRefreshTokens || !clients[client].client.isConfidential
    }

    func issuesRefreshTokens(_ client: Int) -> Bool {
        policy.issuesRefreshTokens && clients[client].client.allows(.refreshToken)
    }

    static func isServerError(_ response: OAuthResponse) -> Bool {
        response.status == 500 && response.oauthError == "server_error"
    }

    static func describe(_ response: OAuthResponse) -> String {
        "\(response.status) \(response.bodyText.prefix(160))"
    }

    // MARK: The authorization endpoint

    mutating func authorize() async {
        let client = index(clients.count)
        let simulated = clients[client]
        let pair = Pair(subject: element(Model.subjects), client: client)
        let allowed = universe.filter { simulated.client.allows(scopes: [$0]) }
        let requested: ScopeSet? = chance(25) || allowed.isEmpty ? nil : nonEmptySubset(of: allowed)
        let needsPKCE =
            !simulated.client.isConfidential || simulated.client.requiresPKCE
            || policy.requiresPKCEForConfidentialClients
        let pkce = needsPKCE || chance(50) ? PKCEPair.random(using: &random) : nil
        let request = RequestBuilder.codeAuthorization(
            client: simulated.client.id, redirectURI: simulated.redirectURI, scope: requested?.description,
            state: "s\(step)", challenge: pkce)
        guard case .valid(let validated) = await server.validate(request) else {
            return diverged("authorize", expected: "a valid request", actual: "refused")
        }
        let scopes = requested ?? policy.defaultScopes
        guard check(validated.scopes == scopes, "authorize", expected: "scopes \(scopes)", actual: "\(validated.scopes)")
        else { return }
        model.pending.append(Model.Pending(request: validated, pair: pair, pkce: pkce))
    }

    mutating func approve() async {
        guard !model.pending.isEmpty else { return await authorize() }
        let item = model.pending.remove(at: index(model.pending.count))
        let asked = item.request.scopes
        let choice: ScopeSet? =
            switch index(3) {
            case 0: nil
            case 1: subset(of: asked)
            default: subset(of: universe)
            }
        let effective = choice.map { $0.intersection(asked) } ?? asked
        let session = approvalSession(item.pair.subject)
        maybeArmFault()
        let response = await server.approve(item.request, session: session, scopes: choice)
        let fault = store.disarm()
        guard let redirect = try? AuthorizationRedirect(response) else {
            return diverged("approve", expected: "a redirect", actual: Self.describe(response))
        }
        guard check(redirect.state == item.request.state, "approve", expected: "state", actual: "\(redirect.parameters)")
        else { return }
        guard !effective.isEmpty else {
            check(redirect.error == "access_denied", "approve nothing", expected: "access_denied", actual: "\(redirect.parameters)")
            return
        }
        if fault != nil, redirect.error == "server_error" {
            await reconcileSession(session, client: item.pair.client)
            return await reconcileApproval(item.pair, effective: effective)
        }
        guard let code = redirect.code else {
            return diverged("approve", expected: "a code", actual: "\(redirect.parameters)")
        }
        let scope = effective == asked ? nil : effective.description
        guard check(redirect["scope"] == scope, "approve", expected: "scope \(scope ?? "absent")", actual: "\(redirect["scope"] ?? "absent")")
        else { return }
        model.approved[item.pair] = (model.approved[item.pair] ?? .empty).union(effective)
        signedIn(session, client: item.pair.client, code: code)
        model.codes.append(
            Model.Code(
                value: code, pair: item.pair, pkce: item.pkce, scopes: effective, issuedAt: now,
                epoch: model.epochs[item.pair, default: 0]))
    }

    mutating func deny() async {
        guard !model.pending.isEmpty else { return await authorize() }
        let item = model.pending.remove(at: index(model.pending.count))
        let response = server.deny(item.request)
        let redirect = try? AuthorizationRedirect(response)
        check(
            redirect?.error == "access_denied" && redirect?.code == nil, "deny", expected: "access_denied, no code",
            actual: Self.describe(response))
    }

    // MARK: Code exchange

    mutating func exchange() async {
        guard !model.codes.isEmpty else { return await approve() }
        let codes = model.codes
        let redeemed = codes.indices.filter { codes[$0].redeemedAt != nil }
        let fresh = codes.indices.filter { codes[$0].redeemedAt == nil && now < codes[$0].issuedAt + codeLifetime }
        let i =
            if !redeemed.isEmpty && chance(15) { element(redeemed) } else if !fresh.isEmpty && chance(80) {
                element(fresh)
            } else { index(codes.count) }
        let code = codes[i]
        let simulated = clients[code.pair.client]
        let variant = index(10)
        if variant == 0, clients.count > 1 {
            // Another client presents it: refused, and nothing changes (not even a replay).
            var other = index(clients.count)
            if other == code.pair.client { other = (other + 1) % clients.count }
            let response = await server.token(
                RequestBuilder.authorizationCode(
                    code.value, redirectURI: clients[other].redirectURI, verifier: code.pkce?.verifier,
                    as: clients[other].authentication))
            check(response.oauthError == "invalid_grant", "exchange by another client", expected: "invalid_grant", actual: Self.describe(response))
            return
        }
        let wrongVerifier = variant == 1 && code.pkce != nil
        let verifier = wrongVerifier ? PKCEPair.random(using: &random).verifier : code.pkce?.verifier
        maybeArmFault()
        let response = await server.token(
            RequestBuilder.authorizationCode(
                code.value, redirectURI: simulated.redirectURI, verifier: verifier, as: simulated.authentication))
        if store.disarm() != nil, Self.isServerError(response) {
            return await reconcileCode(i)
        }
        let action = code.redeemedAt == nil ? "exchange" : "replay"
        if code.purged {
            check(response.oauthError == "invalid_grant", action, expected: "invalid_grant (purged code)", actual: Self.describe(response))
        } else if code.redeemedAt != nil {
            check(response.oauthError == "invalid_grant", action, expected: "invalid_grant", actual: Self.describe(response))
            if let family = code.family { model.families[family].revoked = true }
        } else if wrongVerifier || now >= code.issuedAt + codeLifetime {
            check(response.oauthError == "invalid_grant", action, expected: "invalid_grant (wrong verifier or expired)", actual: Self.describe(response))
        } else if !model.isAlive(code.pair, epoch: code.epoch) {
            check(response.oauthError == "invalid_grant", action, expected: "invalid_grant (revoked authorization)", actual: Self.describe(response))
            model.codes[i].redeemedAt = now
        } else if sessionEnded(code.value) {
            // Spent, and its family stored revoked: no family the model tracks as live.
            check(response.oauthError == "invalid_grant", action, expected: "invalid_grant (session ended)", actual: Self.describe(response))
            model.codes[i].redeemedAt = now
        } else {
            model.codes[i].redeemedAt = now
            recordGranted(response, code: i, action: action, familyRevoked: false)
        }
    }

    /// Checks a successful exchange of code `i` and records its family and access token.
    mutating func recordGranted(_ response: OAuthResponse, code i: Int, action: String, familyRevoked: Bool) {
        let code = model.codes[i]
        guard let tokens = try? TokenResponse(response) else {
            return diverged(action, expected: "200 with tokens", actual: Self.describe(response))
        }
        model.codes[i].grants += 1
        guard check(model.codes[i].grants == 1, action, expected: "tokens once per code", actual: "a second grant")
        else { return }
        guard check(tokens.scopes == code.scopes, action, expected: "scope \(code.scopes)", actual: "\(tokens.scopes)")
        else { return }
        let issuesRefresh = issuesRefreshTokens(code.pair.client)
        guard check(
            (tokens.refreshToken != nil) == issuesRefresh, action, expected: issuesRefresh ? "a refresh token" : "none",
            actual: tokens.refreshToken == nil ? "none" : "a refresh token")
        else { return }
        model.families.append(
            Model.Family(
                pair: code.pair, scopes: code.scopes, epoch: code.epoch, rotates: rotates(code.pair.client),
                refreshTokens: tokens.refreshToken.map { [$0] } ?? [], current: tokens.refreshToken,
                revoked: familyRevoked))
        model.codes[i].family = model.families.count - 1
        record(tokens, pair: code.pair, scopes: code.scopes, family: model.families.count - 1, epoch: code.epoch)
    }

    mutating func record(_ tokens: TokenResponse, pair: Pair, scopes: ScopeSet, family: Int?, epoch: Int) {
        model.tokens.append(
            Model.Token(
                value: tokens.accessToken, pair: pair, scopes: scopes,
                expiresAt: policy.accessTokenLifetime.map { now + $0.rounded(.down) }, family: family, epoch: epoch))
    }

    /// Two to four exchanges of one fresh code at once: exactly one is granted, the others are
    /// replays, which revoke what it issued (RFC 6749 §4.1.2), whatever the interleaving.
    mutating func raceExchange() async {
        let fresh = model.codes.indices.filter { i in
            let code = model.codes[i]
            return code.redeemedAt == nil && !code.purged && now < code.issuedAt + codeLifetime
                && model.isAlive(code.pair, epoch: code.epoch) && !sessionEnded(code.value)
        }
        guard !fresh.isEmpty else { return await exchange() }
        let i = element(fresh)
        let code = model.codes[i]
        let simulated = clients[code.pair.client]
        let request = RequestBuilder.authorizationCode(
            code.value, redirectURI: simulated.redirectURI, verifier: code.pkce?.verifier, as: simulated.authentication)
        let count = Int.random(in: 2...4, using: &random)
        races += 1
        let responses = await race(count, request)
        let action = "exchange (\(count) at once)"
        let granted = responses.filter { $0.status == 200 }
        guard check(granted.count == 1, action, expected: "exactly one 200", actual: "\(granted.count)") else { return }
        let refused = responses.filter { $0.oauthError == "invalid_grant" }.count
        guard check(refused == count - 1, action, expected: "\(count - 1) invalid_grant", actual: "\(refused)") else { return }
        model.codes[i].redeemedAt = now
        recordGranted(granted[0], code: i, action: action, familyRevoked: true)
    }

    func race(_ count: Int, _ request: OAuthRequest) async -> [OAuthResponse] {
        let server = server
        return await withTaskGroup(of: OAuthResponse.self) { group in
            for _ in 0..<count { group.addTask { await server.token(request) } }
            var responses: [OAuthResponse] = []
            for await response in group { responses.append(response) }
            return responses
        }
    }

    // MARK: Refresh

    mutating func refresh() async {
        let candidates = model.families.indices.filter { !model.families[$0].refreshTokens.isEmpty }
        guard !candidates.isEmpty else { return await exchange() }
        // Mostly a live family, so that rotation chains grow before a reuse ends them.
        let live = candidates.filter { !model.families[$0].revoked }
        let f = !live.isEmpty && chance(80) ? element(live) : element(candidates)
        let family = model.families[f]
        let presented = chance(70) ? family.current ?? element(family.refreshTokens) : element(family.refreshTokens)
        let requested: ScopeSet?
        switch index(10) {
        case 0..<6: requested = nil
        case 6..<9: requested = nonEmptySubset(of: family.scopes.scopes)
        default:
            let outside = universe.filter { !family.scopes.contains($0) }
            requested = outside.isEmpty ? nil : family.scopes.union([element(outside)])
        }
        let simulated = clients[family.pair.client]
        maybeArmFault()
        let response = await server.token(
            RequestBuilder.refreshToken(presented, scope: requested?.description, as: simulated.authentication))
        if store.disarm() != nil, Self.isServerError(response) {
            return await reconcileFamily(f, presented: presented)
        }
        if !model.isAlive(family.pair, epoch: family.epoch) {
            check(response.oauthError == "invalid_grant", "refresh", expected: "invalid_grant (revoked authorization)", actual: Self.describe(response))
        } else if let requested, !requested.isSubset(of: family.scopes) {
            // A revoked family may be purged already: then the token is unknown (invalid_grant).
            let allowed = family.revoked ? ["invalid_scope", "invalid_grant"] : ["invalid_scope"]
            check(
                allowed.contains(response.oauthError ?? ""), "refresh", expected: "\(allowed.joined(separator: " or ")) (wider)",
                actual: Self.describe(response))
        } else if family.revoked {
            check(response.oauthError == "invalid_grant", "refresh", expected: "invalid_grant (revoked family)", actual: Self.describe(response))
        } else if presented == family.current {
            guard let tokens = try? TokenResponse(response) else {
                return diverged("refresh", expected: "200 with tokens", actual: Self.describe(response))
            }
            let scopes = requested ?? family.scopes
            guard check(tokens.scopes == scopes, "refresh", expected: "scope \(scopes)", actual: "\(tokens.scopes)")
            else { return }
            if family.rotates {
                guard let next = tokens.refreshToken, next != presented else {
                    return diverged("refresh", expected: "a new refresh token (rotation)", actual: "none or the same")
                }
                model.families[f].refreshTokens.append(next)
                model.families[f].current = next
            } else {
                guard check(
                    tokens.refreshToken == nil || tokens.refreshToken == presented, "refresh",
                    expected: "no rotation", actual: "a new refresh token")
                else { return }
            }
            record(tokens, pair: family.pair, scopes: scopes, family: f, epoch: family.epoch)
        } else {
            check(response.oauthError == "invalid_grant", "refresh (reuse)", expected: "invalid_grant", actual: Self.describe(response))
            model.families[f].revoked = true
        }
    }

    /// Two or three refreshes with the working refresh token at once: with rotation exactly one
    /// wins and the others are reuse, which revokes the family (RFC 9700 §4.14.2); without,
    /// each is granted.
    mutating func raceRefresh() async {
        let ready = model.families.indices.filter { f in
            let family = model.families[f]
            return !family.revoked && family.current != nil && model.isAlive(family.pair, epoch: family.epoch)
        }
        guard !ready.isEmpty else { return await refresh() }
        let f = element(ready)
        let family = model.families[f]
        guard let current = family.current else { return }
        let request = RequestBuilder.refreshToken(current, as: clients[family.pair.client].authentication)
        let count = Int.random(in: 2...3, using: &random)
        races += 1
        let responses = await race(count, request)
        let action = "refresh (\(count) at once)"
        let granted = responses.compactMap { try? TokenResponse($0) }
        if family.rotates {
            guard check(granted.count == 1, action, expected: "exactly one 200", actual: "\(granted.count)") else { return }
            let refused = responses.filter { $0.oauthError == "invalid_grant" }.count
            guard check(refused == count - 1, action, expected: "\(count - 1) invalid_grant", actual: "\(refused)")
            else { return }
            model.families[f].revoked = true
            if let next = granted[0].refreshToken { model.families[f].refreshTokens.append(next) }
            model.families[f].current = granted[0].refreshToken
        } else {
            guard check(granted.count == count, action, expected: "\(count) × 200", actual: "\(granted.count)") else { return }
        }
        for tokens in granted {
            record(tokens, pair: family.pair, scopes: family.scopes, family: f, epoch: family.epoch)
        }
    }
}
