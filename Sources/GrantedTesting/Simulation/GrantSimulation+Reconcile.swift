import Foundation
import Granted

/// After a step whose store call failed and that answered `server_error`, the store kept either
/// the state before the step or the state after it. The model reads which, checks that it is
/// one of the two, and goes on from there.
extension GrantSimulation {
    mutating func reconcileApproval(_ pair: Pair, effective: ScopeSet) async {
        let action = "approve (after a store fault)"
        do {
            let stored = try await store.wrapped.updateAuthorization(subject: pair.subject, client: clientID(pair)) { $0 }
            let before = model.approved[pair]
            guard let stored else {
                check(before == nil, action, expected: "the authorization kept", actual: "none active")
                return
            }
            let lower = before ?? .empty
            guard check(
                lower.isSubset(of: stored.scopes) && stored.scopes.isSubset(of: lower.union(effective)), action,
                expected: "scopes between \(lower) and \(lower.union(effective))", actual: "\(stored.scopes)")
            else { return }
            model.approved[pair] = stored.scopes
        } catch {
            diverged(action, expected: "the store readable", actual: "\(error)")
        }
    }

    /// A faulted exchange or replay: redeemed or not, and a replay's revocation done or not.
    mutating func reconcileCode(_ i: Int) async {
        let code = model.codes[i]
        let action = "exchange (after a store fault)"
        do {
            let digest = Digest256(hashing: code.value)
            let stored = try await store.wrapped.updateCode(at: digest) { ($0.state, $0.family) }
            guard let (state, familyID) = stored else {
                check(code.purged, action, expected: "the code kept", actual: "gone")
                return
            }
            switch state {
            case .issued:
                check(code.redeemedAt == nil, action, expected: "redeemed", actual: "issued again")
            case .redeemed(let at), .revoked(let at):
                if model.codes[i].redeemedAt == nil { model.codes[i].redeemedAt = at }
            }
            if let f = code.family {
                let live = try await store.wrapped.family(familyID)?.family.state.isActive ?? false
                guard check(live || code.redeemedAt != nil, action, expected: "the family live", actual: "revoked")
                else { return }
                if model.families[f].revoked && live {
                    return diverged(action, expected: "the family revoked", actual: "live again")
                }
                model.families[f].revoked = !live
            }
        } catch {
            diverged(action, expected: "the store readable", actual: "\(error)")
        }
    }

    /// A faulted refresh or refresh token revocation: rotated or not, revoked or not.
    mutating func reconcileFamily(_ f: Int, presented: String) async {
        let family = model.families[f]
        let action = "refresh or revocation (after a store fault)"
        do {
            guard let id = try await store.wrapped.familyID(forRefreshToken: Digest256(hashing: presented)),
                let stored = try await store.wrapped.family(id)?.family
            else {
                // Purged: only ever a dead family.
                check(
                    family.revoked || !model.isAlive(family.pair, epoch: family.epoch), action,
                    expected: "the family kept", actual: "gone")
                model.families[f].revoked = true
                return
            }
            if !stored.state.isActive {
                model.families[f].revoked = true
                return
            }
            guard check(!family.revoked, action, expected: "the family revoked", actual: "live again") else { return }
            if let current = family.current, let digest = stored.current,
                !digest.constantTimeEquals(Digest256(hashing: current))
            {
                guard check(
                    family.rotates && presented == current, action, expected: "no rotation",
                    actual: "rotated to a token nobody saw")
                else { return }
                model.families[f].current = nil
            }
        } catch {
            diverged(action, expected: "the store readable", actual: "\(error)")
        }
    }

    mutating func reconcileAccessToken(_ t: Int) async {
        let action = "revoke (after a store fault)"
        do {
            guard let record = try await store.wrapped.accessToken(at: Digest256(hashing: model.tokens[t].value))
            else {
                // Purged: only ever a dead token.
                check(!model.isLive(model.tokens[t], at: now), action, expected: "the token kept", actual: "gone")
                model.tokens[t].revoked = true
                return
            }
            if case .revoked = record.token.state { model.tokens[t].revoked = true }
        } catch {
            diverged(action, expected: "the store readable", actual: "\(error)")
        }
    }

    mutating func reconcileAuthorization(_ pair: Pair) async {
        do {
            let stored = try await store.wrapped.authorizations(of: pair.subject)
            if !stored.contains(where: { $0.client == clientID(pair) && $0.isActive }) { endAuthorization(pair) }
        } catch {
            diverged("revoke authorization (after a store fault)", expected: "the store readable", actual: "\(error)")
        }
    }

    /// A faulted purge deleted all it should or nothing; either way no code it must keep.
    mutating func reconcileCodes(cutoff: Date) async {
        for i in model.codes.indices where !model.codes[i].purged {
            do {
                let gone = try await store.wrapped.updateCode(at: Digest256(hashing: model.codes[i].value)) { _ in } == nil
                guard !gone else {
                    guard check(
                        isPurgeable(model.codes[i], before: cutoff), "purge (after a store fault)",
                        expected: "a live code kept", actual: "deleted")
                    else { return }
                    model.codes[i].purged = true
                    continue
                }
            } catch {
                return diverged("purge (after a store fault)", expected: "the store readable", actual: "\(error)")
            }
        }
    }
}
