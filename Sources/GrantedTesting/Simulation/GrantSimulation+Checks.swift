import Foundation
import Granted

/// What the model checks between steps: access tokens at the resource, codes after a purge.
extension GrantSimulation {
    /// Presents `count` tokens (drawn at random, or all) at the resource guard: each works
    /// exactly when the model says it is live, with the scopes, user and client it was issued for.
    mutating func checkSomeTokens(count: Int) async {
        guard !model.tokens.isEmpty else { return }
        let picked = count >= model.tokens.count ? Array(model.tokens.indices) : (0..<count).map { _ in index(model.tokens.count) }
        let guardian = server.resourceGuard()
        for t in picked {
            let token = model.tokens[t]
            let live = model.isLive(token, at: now)
            let decision = await guardian.check(RequestBuilder.bearer(token.value), requiring: [])
            switch decision {
            case .allowed(let grant):
                guard check(live, "resource check", expected: "the token refused", actual: "allowed") else { return }
                guard check(
                    grant.scopes == token.scopes && grant.subject == token.pair.subject
                        && grant.client == clientID(token.pair), "resource check",
                    expected: "\(token.scopes) for \(token.pair.subject)", actual: "\(grant)")
                else { return }
                let approved = model.approved[token.pair] ?? .empty
                guard check(
                    token.scopes.isSubset(of: approved), "resource check", expected: "scopes within \(approved)",
                    actual: "\(token.scopes)")
                else { return }
            case .denied:
                guard check(!live, "resource check", expected: "the token allowed", actual: "refused") else { return }
            }
        }
    }

    /// After a purge, the store holds exactly the codes the model did not purge.
    mutating func checkCodesStored() async {
        for code in model.codes {
            do {
                let stored = try await store.wrapped.updateCode(at: Digest256(hashing: code.value)) { _ in } != nil
                guard check(
                    stored == !code.purged, "purge", expected: code.purged ? "the code deleted" : "the code kept",
                    actual: stored ? "kept" : "deleted")
                else { return }
            } catch {
                return diverged("purge", expected: "the store readable", actual: "\(error)")
            }
        }
    }
}
