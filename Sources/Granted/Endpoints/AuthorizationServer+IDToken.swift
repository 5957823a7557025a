import Foundation

/// What the endpoints ask of OpenID Connect's keys (Core §3.1.2.1, Discovery §3).
extension AuthorizationServer {
    /// OpenID Connect is on when the host configured signing keys.
    var canSignIDTokens: Bool { signingKeys != nil }

    /// The `alg` values ID tokens are signed with (Discovery §3).
    var idTokenAlgorithms: [String] {
        signingKeys.map { [$0.active.algorithm.rawValue] } ?? []
    }

    /// Whom an `id_token_hint` names (Core §3.1.2.1): one this server issued, expired or not.
    /// Verified when a key can verify; with no verifier at all it is read unverified, which is
    /// safe here only because a hint at this endpoint can only narrow: one naming another user
    /// than the session's asks for a sign-in, it never approves anything.
    func hint(_ request: AuthorizationRequest) -> OpenIDConnectRules.Hint {
        guard let hint = request.hints["id_token_hint"] else { return .none }
        return idTokenHint(hint, requiringSignature: false).map { .subject($0.subject) } ?? .foreign
    }

    /// What an `id_token_hint` says, when this server issued it (its `iss`, signed by one of its
    /// keys): expired or not, since a hint names a session that may have outlived the token
    /// (Core §3.1.2.1; RP-Initiated Logout 1.0 §2, §4). Every published key is tried, so a hint
    /// signed before a rotation still verifies. With no key that can verify (a signer whose
    /// `verifier` is nil) nothing is ours: RP-Initiated Logout 1.0 §2 says the server MUST
    /// validate that it issued the hint, and an unchecked one could be forged by anyone.
    public func idTokenHint(_ hint: String) -> IDTokenHint? {
        idTokenHint(hint, requiringSignature: true)
    }

    private func idTokenHint(_ hint: String, requiringSignature: Bool) -> IDTokenHint? {
        guard let keys = signingKeys, let parsed = JWS.parse(hint) else { return nil }
        let verifiers = keys.verifiers
        if !verifiers.isEmpty {
            let algorithms = Set(verifiers.map(\.algorithm.rawValue)).sorted().map(JWSAlgorithm.init(rawValue:))
            guard algorithms.contains(where: { JWS.verify(hint, expecting: $0, verifiers: verifiers) != nil }) else {
                return nil
            }
        } else if requiringSignature {
            return nil
        }
        guard let claims = JWTClaims(json: parsed.payload), claims.issuer == issuer,
            let subject = claims.subject, !claims.audience.isEmpty
        else { return nil }
        let sid = claims.extraClaims.first { $0.name == "sid" }?.stringValue
        return IDTokenHint(
            subject: Subject(subject), audience: claims.audience.map { ClientID($0) },
            authorizedParty: claims.authorizedParty.map { ClientID($0) }, sessionID: sid.map { SessionID($0) },
            expiresAt: claims.expiresAt)
    }
}

/// A verified `id_token_hint` (OpenID Connect Core §3.1.2.1; RP-Initiated Logout 1.0 §2): an ID
/// token this server issued, possibly expired.
public struct IDTokenHint: Sendable, Hashable {
    public let subject: Subject
    public let audience: [ClientID]
    public let authorizedParty: ClientID?
    /// `sid`: the session the token was issued in.
    public let sessionID: SessionID?
    public let expiresAt: Date?

    /// The client the token was issued to: `azp` when present (Core §2), else the only audience.
    public var client: ClientID? {
        if let authorizedParty, audience.contains(authorizedParty) { return authorizedParty }
        return audience.count == 1 ? audience.first : nil
    }
}
