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
    /// Verified when the active key can verify, else read as a hint.
    func hint(_ request: AuthorizationRequest) -> OpenIDConnectRules.Hint {
        guard let hint = request.hints["id_token_hint"] else { return .none }
        return subject(ofIDTokenHint: hint).map(OpenIDConnectRules.Hint.subject) ?? .foreign
    }

    /// The `sub` of an `id_token_hint` this server issued, expired or not; nil when it is not one
    /// of ours.
    func subject(ofIDTokenHint hint: String) -> Subject? {
        guard let keys = signingKeys, let parsed = JWS.parse(hint) else { return nil }
        if let verifier = keys.active.verifier {
            guard JWS.verify(hint, expecting: keys.active.algorithm, verifiers: [verifier]) != nil else {
                return nil
            }
        }
        guard let claims = try? JSONSerialization.jsonObject(with: Data(parsed.payload)) as? [String: Any],
            claims["iss"] as? String == issuer, let sub = claims["sub"] as? String
        else { return nil }
        return Subject(sub)
    }
}
