import Foundation
import Granted

/// The device authorization grant (RFC 8628) as one step: a public client asks for codes, the
/// user approves, the device redeems; what it gets joins the model like a code's tokens, and a
/// second redemption is refused and revokes them (§3.5 with RFC 6749 §4.1.2). No fault is
/// injected in this step.
extension GrantSimulation {
    mutating func deviceFlow() async {
        let candidates = clients.indices.filter { clients[$0].client.allows(.deviceCode) }
        guard !candidates.isEmpty else { return advanceClock() }
        let client = element(candidates)
        let simulated = clients[client]
        let pair = Pair(subject: element(Model.subjects), client: client)
        let allowed = universe.filter { simulated.client.allows(scopes: [$0]) }
        guard !allowed.isEmpty else { return advanceClock() }
        let scopes = nonEmptySubset(of: allowed)
        let start = await server.deviceAuthorization(
            RequestBuilder.form("/device_authorization", [("scope", scopes.description)], as: simulated.authentication))
        guard start.status == 200,
            let codes = try? JSONSerialization.jsonObject(with: Data(start.body)) as? [String: Any],
            let deviceCode = codes["device_code"] as? String, let userCode = codes["user_code"] as? String
        else { return diverged("device authorization", expected: "200 with codes", actual: Self.describe(start)) }
        let poll = RequestBuilder.form(
            "/token", [("grant_type", GrantType.deviceCode.rawValue), ("device_code", deviceCode)],
            as: simulated.authentication)
        let pending = await server.token(poll)
        guard check(pending.oauthError == "authorization_pending", "device poll", expected: "authorization_pending", actual: Self.describe(pending))
        else { return }
        let approved = (try? await server.approveDevice(userCode: userCode, subject: pair.subject, authTime: now)) ?? false
        guard check(approved, "device approval", expected: "recorded", actual: "refused") else { return }
        model.approved[pair] = (model.approved[pair] ?? .empty).union(scopes)
        let epoch = model.epochs[pair, default: 0]
        let response = await server.token(poll)
        guard let tokens = try? TokenResponse(response) else {
            return diverged("device redemption", expected: "200 with tokens", actual: Self.describe(response))
        }
        guard check(tokens.scopes == scopes, "device redemption", expected: "scope \(scopes)", actual: "\(tokens.scopes)")
        else { return }
        let issuesRefresh = issuesRefreshTokens(client)
        guard check(
            (tokens.refreshToken != nil) == issuesRefresh, "device redemption",
            expected: issuesRefresh ? "a refresh token" : "none", actual: tokens.refreshToken == nil ? "none" : "a refresh token")
        else { return }
        model.families.append(
            Model.Family(
                pair: pair, scopes: scopes, epoch: epoch, rotates: rotates(client),
                refreshTokens: tokens.refreshToken.map { [$0] } ?? [], current: tokens.refreshToken))
        let family = model.families.count - 1
        record(tokens, pair: pair, scopes: scopes, family: family, epoch: epoch)
        guard chance(30) else { return }
        let replay = await server.token(poll)
        guard check(replay.oauthError == "invalid_grant", "device replay", expected: "invalid_grant", actual: Self.describe(replay))
        else { return }
        model.families[family].revoked = true
    }
}
