import Foundation
import Granted

/// JWT client authentication (RFC 7523 §3 item 7) as one step: the assertion client asks for a
/// client credentials token with a `client_secret_jwt` assertion whose `jti` is new, or one it
/// used before (recorded or purged), once or two to four times at once. The model knows which
/// `jti`s the store holds: a recorded one is refused until a purge past its `exp` plus the
/// leeway deletes it (the clock passing `exp` frees nothing); of concurrent uses of a free one
/// exactly one passes; an expired or forged assertion is refused and records nothing.
extension GrantSimulation {
    enum AssertionVariant { case valid, expired, forged }

    mutating func clientAssertion() async {
        // The leeway as ClientAssertion reads it; a policy allowing no lifetime gets no step.
        let leeway = policy.clientAssertionLeeway.isFinite ? max(0, policy.clientAssertionLeeway) : 0
        guard policy.clientAssertionMaximumLifetime >= 1 else { return advanceClock() }
        let known = model.oneTimeUses.keys.sorted()
        let jti = !known.isEmpty && chance(50) ? element(known) : "jti-\(seed)-\(step)"
        let variant: AssertionVariant =
            switch index(10) {
            case 0: .expired
            case 1: .forged
            default: .valid
            }
        let lifetime = TimeInterval(Int.random(in: 1...Int(min(300, policy.clientAssertionMaximumLifetime)), using: &random))
        let expiresAt = variant == .expired ? now - leeway - lifetime : now + lifetime
        let audience = chance(50) ? server.issuer + "/token" : server.issuer
        let claims = JWTClaims(
            issuer: SimulatedClient.assertionClientID.rawValue, subject: SimulatedClient.assertionClientID.rawValue,
            audience: [audience], expiresAt: expiresAt, issuedAt: now, jwtID: jti)
        let key = variant == .forged ? Array("not the derived secret of sim-assertion".utf8) : assertionKey
        guard let signer = try? HS256Signer(key: key), let assertion = try? JWT.sign(claims, signer: signer) else {
            return diverged("client assertion", expected: "an assertion signed", actual: "HS256 refused the key")
        }
        let request = RequestBuilder.clientCredentials(
            as: .assertion(assertion, clientID: SimulatedClient.assertionClientID, sendsClientID: chance(50)))
        let state = model.oneTimeUses[jti] ?? .free
        guard variant == .valid else {
            // Refused before the jti is recorded (RFC 7521 §4.2.1): the model does not change.
            let response = await server.token(request)
            check(
                response.oauthError == "invalid_client", "client assertion (\(variant))", expected: "invalid_client",
                actual: Self.describe(response))
            return
        }
        let recorded = Model.OneTimeUse.recorded(until: expiresAt + leeway)
        if !state.isFree { replayedAssertions += 1 }
        if chance(35) {
            let count = Int.random(in: 2...4, using: &random)
            races += 1
            let responses = await race(count, request)
            let action = "client assertion (\(count) at once)"
            let granted = responses.filter { $0.status == 200 }.count
            let refused = responses.filter { $0.oauthError == "invalid_client" }.count
            let expected = state.isFree ? 1 : 0
            guard check(granted == expected, action, expected: "exactly \(expected) 200", actual: "\(granted)"),
                check(refused == count - expected, action, expected: "\(count - expected) invalid_client", actual: "\(refused)")
            else { return }
            if state.isFree { model.oneTimeUses[jti] = recorded }
            return
        }
        maybeArmFault()
        var response = await server.token(request)
        let action: String
        if store.disarm() != nil, Self.isServerError(response) {
            // Whether the faulted call recorded the jti is unknown: the same assertion again
            // must pass exactly when it did not (a recorded jti is never passed again).
            response = await server.token(request)
            action = "client assertion (after a store fault)"
            let allowed = state.isFree ? [200, 401] : [401]
            guard check(allowed.contains(response.status), action, expected: "\(allowed)", actual: Self.describe(response))
            else { return }
        } else {
            action = state.isFree ? "client assertion" : "client assertion (replayed jti)"
            let expected = state.isFree ? 200 : 401
            guard check(response.status == expected, action, expected: "\(expected)", actual: Self.describe(response))
            else { return }
        }
        if response.status == 200 {
            guard check((try? TokenResponse(response)) != nil, action, expected: "an access token", actual: Self.describe(response))
            else { return }
        } else {
            guard check(response.oauthError == "invalid_client", action, expected: "invalid_client", actual: Self.describe(response))
            else { return }
        }
        if state.isFree { model.oneTimeUses[jti] = recorded }
    }

    /// After a purge at `cutoff`: a `jti` recorded until before it is free again (RFC 7523 §3
    /// item 7 lets the server forget it once `exp` has passed); one recorded until the cutoff or
    /// later stays. When the purge faulted, the fate of those it may have deleted is unknown, and
    /// the model drops them.
    mutating func purgeOneTimeUses(before cutoff: Date, faulted: Bool) {
        for (jti, use) in model.oneTimeUses {
            guard case .recorded(let until) = use, until < cutoff else { continue }
            model.oneTimeUses[jti] = faulted ? nil : .free
        }
    }
}

extension Model.OneTimeUse {
    var isFree: Bool {
        if case .free = self { true } else { false }
    }
}
