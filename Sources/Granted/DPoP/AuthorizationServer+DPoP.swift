import Foundation

/// DPoP at the authorization server (RFC 9449 §5): on when the host supplies a
/// `PublicKeyVerification`, checked with `Policy.dpop`.
extension AuthorizationServer {
    /// The verifier of this server's token endpoint and guards; nil when DPoP is off (no
    /// `PublicKeyVerification`): a `DPoP` header is then ignored and tokens are bearer tokens (§5).
    public var dpopVerifier: DPoPVerifier? {
        publicKeyVerification.map {
            DPoPVerifier(verification: $0, policy: policy.dpop, store: store, serverKey: serverKey)
        }
    }

    /// The thumbprint of the key a token request's proof shows (§5), or nil without a proof.
    /// - Throws: `invalidDPoPProof` (400, §5), `useDPoPNonce` (§8).
    func tokenRequestKey(_ request: OAuthRequest, now: Date) async throws(OAuthError) -> String? {
        guard let dpopVerifier else { return nil }
        return try await dpopVerifier.verify(request, uri: issuer + paths.token, accessToken: nil, now: now)
    }
}
