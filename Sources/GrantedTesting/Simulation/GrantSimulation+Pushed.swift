import Foundation
import Granted

/// Pushed authorization requests (RFC 9126) as one step: a client pushes its code request, then
/// the authorization endpoint runs it by `request_uri`; what it validates joins the pending
/// requests like `authorize`'s. The push may meet an injected fault (a server error, then nothing
/// usable); a `request_uri` never runs twice (§4), nor for another client, nor after it expires.
extension GrantSimulation {
    mutating func pushedAuthorize() async {
        let client = index(clients.count)
        let simulated = clients[client]
        let pair = Pair(subject: element(Model.subjects), client: client)
        let allowed = universe.filter { simulated.client.allows(scopes: [$0]) }
        let requested: ScopeSet? = chance(25) || allowed.isEmpty ? nil : nonEmptySubset(of: allowed)
        let needsPKCE =
            !simulated.client.isConfidential || simulated.client.requiresPKCE
            || policy.requiresPKCEForConfidentialClients
        let pkce = needsPKCE || chance(50) ? PKCEPair.random(using: &random) : nil
        var parameters = RequestBuilder.codeRequestParameters(
            client: simulated.client.id, redirectURI: simulated.redirectURI, scope: requested?.description,
            state: "p\(step)", challenge: pkce)
        // The body authentications name the client themselves (§2.1: client_id once).
        if case .basic = simulated.authentication {} else { parameters.removeAll { $0.0 == "client_id" } }
        maybeArmFault()
        let push = await server.pushedAuthorizationRequest(
            RequestBuilder.form("/par", parameters, as: simulated.authentication))
        let fault = store.disarm()
        if fault != nil, Self.isServerError(push) { return }
        guard push.status == 201, let body = try? JSONSerialization.jsonObject(with: Data(push.body)) as? [String: Any],
            let requestURI = body["request_uri"] as? String, let expiresIn = body["expires_in"] as? Int
        else { return diverged("push", expected: "201 with a request_uri", actual: Self.describe(push)) }
        if clients.count > 1, chance(20) {
            let other = clients[(client + 1 + index(clients.count - 1)) % clients.count]
            guard await isRefused(requestURI, by: other.client.id, "push, another client's use") else { return }
        }
        if chance(10) {
            clock.advance(by: TimeInterval(expiresIn))
            _ = await isRefused(requestURI, by: simulated.client.id, "push, use after expiry")
            return
        }
        let validation = await server.validate(
            RequestBuilder.authorize([("client_id", simulated.client.id.rawValue), ("request_uri", requestURI)]))
        guard case .valid(let validated) = validation else {
            return diverged("push, use", expected: "a valid request", actual: "refused")
        }
        let scopes = requested ?? policy.defaultScopes
        guard check(validated.scopes == scopes, "push, use", expected: "scopes \(scopes)", actual: "\(validated.scopes)")
        else { return }
        model.pending.append(Model.Pending(request: validated, pair: pair, pkce: pkce))
        if chance(20) { _ = await isRefused(requestURI, by: simulated.client.id, "push, second use") }
    }

    /// Whether `client`'s use of `requestURI` is refused to the user (§4), recording a divergence if not.
    private mutating func isRefused(_ requestURI: String, by client: ClientID, _ action: String) async -> Bool {
        let validation = await server.validate(
            RequestBuilder.authorize([("client_id", client.rawValue), ("request_uri", requestURI)]))
        guard case .userFacing(let error, _) = validation else {
            diverged(action, expected: "invalid_request, not redirected", actual: "\(validation)")
            return false
        }
        return check(error.code == "invalid_request", action, expected: "invalid_request", actual: error.code)
    }
}
