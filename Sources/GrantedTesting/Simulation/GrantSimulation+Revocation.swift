import Foundation
import Granted

/// Revocation by a client (RFC 7009), introspection (RFC 7662), the user's revocation of a
/// client, housekeeping and the passing of time.
extension GrantSimulation {
    /// A client revokes one of its access or refresh tokens; now and then another client tries,
    /// which is refused with 400 `unauthorized_client` and changes nothing (RFC 7009 §2.1), or
    /// answers 200 when the token is gone already (§2.2).
    mutating func revokeToken() async {
        let refreshable = model.families.indices.filter { !model.families[$0].refreshTokens.isEmpty }
        let useRefresh = !refreshable.isEmpty && (model.tokens.isEmpty || chance(40))
        guard useRefresh || !model.tokens.isEmpty else { return await exchange() }
        let f = useRefresh ? element(refreshable) : nil
        let t = useRefresh ? nil : index(model.tokens.count)
        let owner = f.map { model.families[$0].pair.client } ?? t.map { model.tokens[$0].pair.client } ?? 0
        let value = f.map { element(model.families[$0].refreshTokens) } ?? t.map { model.tokens[$0].value } ?? ""
        var caller = owner
        if clients.count > 1, chance(10) { caller = (owner + 1 + index(clients.count - 1)) % clients.count }
        maybeArmFault()
        let response = await server.revoke(RequestBuilder.revocation(value, as: clients[caller].authentication))
        if store.disarm() != nil, Self.isServerError(response) {
            if let f { return await reconcileFamily(f, presented: value) }
            if let t { return await reconcileAccessToken(t) }
        }
        guard caller == owner else {
            check(
                response.status == 200 || (response.status == 400 && response.oauthError == "unauthorized_client"),
                "revoke by another client", expected: "400 unauthorized_client (or 200 when gone)",
                actual: Self.describe(response))
            return
        }
        guard check(response.status == 200, "revoke", expected: "200", actual: Self.describe(response)) else { return }
        if let f { model.families[f].revoked = true }
        if let t { model.tokens[t].revoked = true }
    }

    /// A confidential client asks whether a token is active. What it may see follows the policy's
    /// introspection access (RFC 7662 §4): by default its own tokens, and every access token when
    /// it is a resource server; anything else answers `{"active":false}`.
    mutating func introspect() async {
        let callers = clients.indices.filter { clients[$0].client.isConfidential }
        guard !callers.isEmpty, !model.tokens.isEmpty else { return advanceClock() }
        let caller = element(callers)
        let refreshable = model.families.indices.filter { !model.families[$0].refreshTokens.isEmpty }
        let value: String
        let expected: Bool
        if !refreshable.isEmpty, chance(40) {
            let family = model.families[element(refreshable)]
            value = element(family.refreshTokens)
            expected = !family.revoked && value == family.current && model.isAlive(family.pair, epoch: family.epoch)
                && reveals(refreshToken: true, owner: family.pair.client, to: caller)
        } else {
            let token = element(model.tokens)
            value = token.value
            expected = model.isLive(token, at: now) && reveals(refreshToken: false, owner: token.pair.client, to: caller)
        }
        maybeArmFault()
        let response = await server.introspect(RequestBuilder.introspection(value, as: clients[caller].authentication))
        if store.disarm() != nil, Self.isServerError(response) { return }
        struct Answer: Decodable { let active: Bool }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body))
        check(
            response.status == 200 && answer?.active == expected, "introspect", expected: "active: \(expected)",
            actual: Self.describe(response))
    }

    /// Whether the policy lets `caller` see a token issued to `owner` (RFC 7662 §4).
    func reveals(refreshToken: Bool, owner: Int, to caller: Int) -> Bool {
        switch server.policy.introspectionAccess {
        case .confidentialClients, .listed: true
        case .issuedToCallerOrResourceServer:
            owner == caller || (!refreshToken && clients[caller].client.isResourceServer)
        }
    }

    /// The user revokes a client, by the pair or by the authorization's id (after another user
    /// failed to revoke it by that id).
    mutating func revokeAuthorization() async {
        let active = model.approved.keys.sorted()
        guard !active.isEmpty else { return advanceClock() }
        let pair = element(active)
        let client = clientID(pair)
        let byID = chance(50)
        maybeArmFault()
        let revoked: Bool
        do {
            if byID {
                let listed = try await server.authorizations(of: pair.subject)
                guard let authorization = listed.first(where: { $0.client == client }) else {
                    _ = store.disarm()
                    return diverged("revoke authorization", expected: "the active authorization listed", actual: "\(listed)")
                }
                guard let approved = model.approved[pair], check(
                    authorization.scopes == approved, "list authorizations", expected: "scopes \(approved)",
                    actual: "\(authorization.scopes)")
                else { return _ = store.disarm() }
                let stranger: Subject = Model.subjects.first { $0 != pair.subject } ?? "mallory"
                guard try await !server.revokeAuthorization(authorization.id, of: stranger) else {
                    _ = store.disarm()
                    return diverged("revoke authorization", expected: "another user cannot", actual: "revoked")
                }
                revoked = try await server.revokeAuthorization(authorization.id, of: pair.subject)
            } else {
                revoked = try await server.revokeAuthorization(of: pair.subject, for: client)
            }
        } catch {
            guard store.disarm() != nil else {
                return diverged("revoke authorization", expected: "an answer", actual: "\(error)")
            }
            return await reconcileAuthorization(pair)
        }
        store.disarm()
        guard check(revoked, "revoke authorization", expected: "revoked", actual: "not revoked") else { return }
        endAuthorization(pair)
    }

    mutating func endAuthorization(_ pair: Pair) {
        model.approved[pair] = nil
        model.revokedAt[pair, default: [:]][model.epochs[pair, default: 0]] = now
        model.epochs[pair, default: 0] += 1
    }

    /// Housekeeping with a cutoff from now to a day ago; the model works out which codes must
    /// go (the other records it deletes are dead already) and checks that exactly those went.
    mutating func purge() async {
        let age = element([0, 30, 3600, 86_400] as [TimeInterval])
        maybeArmFault()
        do {
            _ = try await server.purge(deadFor: age)
        } catch {
            guard store.disarm() != nil else {
                return diverged("purge", expected: "a count", actual: "\(error)")
            }
            purgeOneTimeUses(before: now - age, faulted: true)
            await purgeSessions(before: now - age, faulted: true)
            return await reconcileCodes(cutoff: now - age)
        }
        store.disarm()
        let cutoff = now - age
        purgeOneTimeUses(before: cutoff, faulted: false)
        await purgeSessions(before: cutoff, faulted: false)
        for i in model.codes.indices where !model.codes[i].purged && isPurgeable(model.codes[i], before: cutoff) {
            model.codes[i].purged = true
        }
        await checkCodesStored()
    }

    func isPurgeable(_ code: Model.Code, before cutoff: Date) -> Bool {
        let deadSince = code.redeemedAt ?? code.issuedAt + codeLifetime
        if deadSince < cutoff { return true }
        return model.revokedAt[code.pair]?[code.epoch].map { $0 < cutoff } ?? false
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
        clock.advance(by: TimeInterval(seconds))
    }
}
