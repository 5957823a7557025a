import Foundation

/// `grant_type=authorization_code` (RFC 6749 §4.1.3): the stored state the grant needs.
extension AuthorizationServer {
    /// Redeems the code atomically, then reads the user authorization it hangs from.
    func codeExchangePlan(
        _ request: AuthorizationCodeGrant.Request, client: Client, resources: Audience?, boundKey: String? = nil,
        now: Date
    ) async throws(OAuthError) -> TokenPlan {
        let clientID = client.id
        let outcome = try await seam {
            try await store.updateCode(at: SHA256.hash(request.code)) { stored in
                AuthorizationCodeGrant.redeem(
                    &stored, client: clientID, redirectURI: request.redirectURI, verifier: request.verifier,
                    resources: resources, keyThumbprint: boundKey, at: now)
            }
        }
        switch outcome {
        case nil:
            throw .invalidGrant("the code is invalid")
        case .refused(let reason)?:
            throw .invalidGrant(reason)
        case .wrongKey?:
            throw .invalidDPoPProof("the code is bound to another DPoP key")
        case .wrongTarget?:
            throw .invalidTarget("the resource was not part of the original grant")
        case .replayed(let code)?:
            // §4.1.2: deny, and revoke every token the first redemption issued.
            try await issuing.revokeFamily(of: code, now: now)
            throw .invalidGrant("the code was already used")
        case .granted(let code)?:
            let authorizationID = code.authorization
            let authorization = try await seam { try await store.authorization(authorizationID) }
            return try AuthorizationCodeGrant.plan(
                for: code, client: client, authorization: authorization, resources: resources, policy: policy,
                now: now)
        }
    }
}
