import Foundation

/// The rules of redeeming an authorization code at the token endpoint (RFC 6749 §4.1.3;
/// RFC 7636 §4.6), as one pure transition the store applies atomically.
enum AuthorizationCodeGrant {
    enum Outcome: Sendable, Hashable {
        case granted(AuthorizationCode)
        /// §4.1.2, §10.5: the code was already redeemed; what it issued must be revoked.
        case replayed(AuthorizationCode)
        case refused(String)
    }

    /// Checks the binding (client, redirect URI, PKCE), then redeems. A check that fails leaves
    /// the code as it was, so a forged request cannot burn a legitimate client's code.
    static func redeem(
        _ code: inout AuthorizationCode, client: ClientID, redirectURI: String?, verifier: String?,
        at now: Date
    ) -> Outcome {
        guard code.client == client else { return .refused("the code was issued to another client") }
        if case .redeemed = code.state {
            _ = code.redeem(at: now)
            return .replayed(code)
        }
        if let bound = code.redirectURI, bound != redirectURI {
            return .refused("redirect_uri does not match the authorization request")
        }
        switch (code.challenge, verifier) {
        case (let challenge?, let verifier?):
            guard PKCE.verify(verifier, against: challenge) else {
                return .refused("code_verifier does not match the code challenge")
            }
        case (.some, nil):
            return .refused("code_verifier is required")
        case (nil, .some):
            // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade.
            return .refused("code_verifier was sent but no code_challenge was")
        case (nil, nil):
            break
        }
        switch code.redeem(at: now) {
        case .granted: return .granted(code)
        case .expired: return .refused("the code has expired")
        case .revoked: return .refused("the code was revoked")
        case .replayed: return .replayed(code)
        }
    }
}
