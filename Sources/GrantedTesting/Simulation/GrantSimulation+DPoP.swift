import Foundation
import Granted

/// DPoP (RFC 9449) as one step: a public client gets a code, bound by `dpop_jkt` or not (§10),
/// redeems it with a proof of its key (§5), and then uses what it got. The model predicts each
/// answer: a fresh proof of the key passes at the resource (§7.1); that proof again (§11.1),
/// another key's proof (§4.3 step 12) and the token sent as `Bearer` (§7.2) are refused and
/// change nothing, so a fresh proof passes after them. The family's refresh token is bound
/// (§5): no proof or another key's proof is refused and leaves it working; the key's proof
/// refreshes, to DPoP tokens again. It runs for its own subject, beside the model's pairs; no
/// fault is injected in this step.
extension GrantSimulation {
    /// The user of the DPoP step: none of the model's subjects, so its grants touch no pair.
    static let dpopSubject: Subject = "dora"
    static let dpopResourcePath = "/api/me"

    mutating func dpopFlow() async {
        let candidates = clients.indices.filter { !clients[$0].client.isConfidential }
        guard !candidates.isEmpty, let verifier = server.dpopVerifier else { return advanceClock() }
        let client = element(candidates)
        let simulated = clients[client]
        let allowed = universe.filter { simulated.client.allows(scopes: [$0]) }
        guard !allowed.isEmpty else { return advanceClock() }
        dpopFlows += 1
        let key = SimulatedDPoPKey(random: &random)
        let other = SimulatedDPoPKey(random: &random)
        let scopes = nonEmptySubset(of: allowed)
        let pkce = PKCEPair.random(using: &random)
        let boundCode = chance(50)
        let parameters = RequestBuilder.codeRequestParameters(
            client: simulated.client.id, redirectURI: simulated.redirectURI, scope: scopes.description,
            state: "d\(step)", challenge: pkce, extra: [("dpop_jkt", boundCode ? key.thumbprint : nil)])
        guard case .valid(let validated) = await server.validate(RequestBuilder.authorize(parameters)) else {
            return diverged("dpop authorize", expected: "a valid request", actual: "refused")
        }
        let redirect = try? AuthorizationRedirect(
            await server.approve(validated, subject: Self.dpopSubject, scopes: nil, authTime: now))
        guard let code = redirect?.code else {
            return diverged("dpop approve", expected: "a code", actual: redirect.map { "\($0.parameters)" } ?? "no redirect")
        }
        let exchange = RequestBuilder.authorizationCode(
            code, redirectURI: simulated.redirectURI, verifier: pkce.verifier, as: simulated.authentication)
        if boundCode {
            // §10: a code bound by dpop_jkt is redeemed only with a proof of that key.
            let wrong = await server.token(dpopRequest(exchange, other, verifier))
            guard isDPoPRefusal(wrong, "dpop exchange, another key's proof") else { return }
        }
        let tokens = await server.token(dpopRequest(exchange, key, verifier))
        guard let issued = dpopTokens(tokens, scopes: scopes, "dpop exchange") else { return }
        guard await resourceChecks(issued.accessToken, key: key, other: other, verifier: verifier) else { return }
        let issuesRefresh = issuesRefreshTokens(client)
        guard check(
            (issued.refreshToken != nil) == issuesRefresh, "dpop exchange",
            expected: issuesRefresh ? "a refresh token" : "none", actual: issued.refreshToken == nil ? "none" : "a refresh token")
        else { return }
        guard let refreshToken = issued.refreshToken else { return }
        let refresh = RequestBuilder.refreshToken(refreshToken, as: simulated.authentication)
        // §5: a public client's family is bound to the key of the proof that started it.
        if chance(50) {
            guard isDPoPRefusal(await server.token(refresh), "dpop refresh, no proof") else { return }
        }
        if chance(50) {
            guard isDPoPRefusal(await server.token(dpopRequest(refresh, other, verifier)), "dpop refresh, another key's proof")
            else { return }
        }
        let refreshed = await server.token(dpopRequest(refresh, key, verifier))
        guard let next = dpopTokens(refreshed, scopes: scopes, "dpop refresh, the key's proof") else { return }
        if chance(50) { _ = await resourceChecks(next.accessToken, key: key, other: other, verifier: verifier) }
    }

    /// `request` to the token endpoint with a fresh proof of `key`.
    private mutating func dpopRequest(_ request: OAuthRequest, _ key: SimulatedDPoPKey, _ verifier: DPoPVerifier)
        -> OAuthRequest
    {
        var request = request
        request.headers.append(
            "DPoP", key.proof(method: "POST", uri: server.issuer + request.path, at: now, jwtID: nextJWTID(),
                nonce: verifier.nonce(at: now)))
        return request
    }

    /// A `jti` no proof of this run used (§11.1).
    private mutating func nextJWTID() -> String {
        "dpop-\(step)-\(UInt64.random(in: 0...UInt64.max, using: &random))"
    }

    /// The tokens of a 200 with `token_type` DPoP and `scopes` (§5); nil after a divergence.
    private mutating func dpopTokens(_ response: OAuthResponse, scopes: ScopeSet, _ action: String) -> TokenResponse? {
        guard let tokens = try? TokenResponse(response) else {
            diverged(action, expected: "200 with tokens", actual: Self.describe(response))
            return nil
        }
        guard check(tokens.tokenType == "DPoP", action, expected: "token_type DPoP", actual: tokens.tokenType),
            check(tokens.scopes == scopes, action, expected: "scope \(scopes)", actual: "\(tokens.scopes)")
        else { return nil }
        return tokens
    }

    /// Whether the token endpoint answered 400 `invalid_dpop_proof` (§5, §10), recording a divergence if not.
    private mutating func isDPoPRefusal(_ response: OAuthResponse, _ action: String) -> Bool {
        check(
            response.status == 400 && response.oauthError == "invalid_dpop_proof", action,
            expected: "400 invalid_dpop_proof", actual: Self.describe(response))
    }

    /// The resource's answers for `token` (§7): a fresh proof of `key` passes; the same proof
    /// again, another key's proof and the `Bearer` scheme are refused, in a random order; a
    /// fresh proof of `key` passes after them, as nothing changed.
    private mutating func resourceChecks(
        _ token: String, key: SimulatedDPoPKey, other: SimulatedDPoPKey, verifier: DPoPVerifier
    ) async -> Bool {
        let resourceGuard = server.resourceGuard()
        let uri = server.issuer + Self.dpopResourcePath
        let first = key.proof(method: "GET", uri: uri, at: now, jwtID: nextJWTID(), accessToken: token, nonce: verifier.nonce(at: now))
        guard await isAllowed(resourceGuard, "DPoP " + token, first, "dpop resource, fresh proof") else { return false }
        var refusals: [(authorization: String, proof: String?, error: String, action: String)] = [
            ("DPoP " + token, first, "invalid_dpop_proof", "dpop resource, replayed proof"),
            ("DPoP " + token,
             other.proof(method: "GET", uri: uri, at: now, jwtID: nextJWTID(), accessToken: token, nonce: verifier.nonce(at: now)),
             "invalid_dpop_proof", "dpop resource, another key's proof"),
            ("Bearer " + token, nil, "invalid_token", "dpop resource, Bearer downgrade"),
        ]
        refusals.shuffle(using: &random)
        for refusal in refusals {
            let decision = await resourceGuard.check(
                Self.resourceRequest(refusal.authorization, refusal.proof), requiring: [])
            guard case .denied(let response, let error) = decision else {
                diverged(refusal.action, expected: refusal.error, actual: "allowed")
                return false
            }
            guard check(error?.code == refusal.error, refusal.action, expected: refusal.error, actual: Self.describe(response))
            else { return false }
        }
        let again = key.proof(method: "GET", uri: uri, at: now, jwtID: nextJWTID(), accessToken: token, nonce: verifier.nonce(at: now))
        return await isAllowed(resourceGuard, "DPoP " + token, again, "dpop resource, fresh proof after refusals")
    }

    private mutating func isAllowed(
        _ resourceGuard: ResourceGuard, _ authorization: String, _ proof: String, _ action: String
    ) async -> Bool {
        let decision = await resourceGuard.check(Self.resourceRequest(authorization, proof), requiring: [])
        guard case .allowed = decision else {
            let actual = if case .denied(let response, _) = decision { Self.describe(response) } else { "" }
            diverged(action, expected: "allowed", actual: actual)
            return false
        }
        return true
    }

    private static func resourceRequest(_ authorization: String, _ proof: String?) -> OAuthRequest {
        var headers: HeaderFields = [:]
        headers.append("Authorization", authorization)
        if let proof { headers.append("DPoP", proof) }
        return OAuthRequest(method: .get, path: dpopResourcePath, headers: headers)
    }
}
