import Foundation

/// JWT client authentication (RFC 7523 §2.2, §3; RFC 7521 §4.2; OpenID Connect Core §9):
/// `client_secret_jwt` (HS256 under the client's derived secret) and `private_key_jwt` (a key
/// from the client's registration, verified through `PublicKeyVerification`).
extension AuthorizationServer {
    /// Authenticates the client an assertion names. The checks run before anything is written;
    /// the `jti` is recorded last, by one atomic insert-if-absent, so a refused assertion
    /// changes nothing and of concurrent uses of one `jti` exactly one passes.
    /// - Throws: `invalidClient` for any failure (RFC 7521 §4.2.1), an unreadable `jwks_uri`
    ///   included; `serverError` when the client or grant store fails.
    func authenticateClient(assertion compact: String, formClientID: String?) async throws(OAuthError) -> Client {
        let assertion = try ClientAssertion(compact, formClientID: formClientID)
        let now = clock.now
        guard let client = try await seam({ try await clients.client(assertion.clientID) }) else {
            throw .invalidClient(basicChallenge: false)
        }
        let verifiers = await assertionVerifiers(for: client, assertion)
        guard assertion.isSigned(byOneOf: verifiers) else { throw .invalidClient(basicChallenge: false) }
        try assertion.checkClaims(
            now: now, audience: policy.clientAssertionAudience, issuer: issuer,
            endpoints: assertionEndpointAudiences, leeway: policy.clientAssertionLeeway,
            maximumLifetime: policy.clientAssertionMaximumLifetime)
        let digest = assertion.replayDigest
        let expiry = assertion.replayExpiry(leeway: policy.clientAssertionLeeway)
        guard try await seam({ try await store.insertOnce(digest, expiresAt: expiry) }) else {
            throw .invalidClient(basicChallenge: false)  // §3 item 7: a replayed jti
        }
        return client
    }

    /// The endpoint URLs `aud` may name besides the issuer under `.issuerOrEndpoint` (RFC 7523 §3
    /// item 3; Core §9): the token endpoint URL; and the pushed authorization request endpoint
    /// URL, which RFC 9126 §2 says MUST be accepted. `.issuerOnly` (RFC 10070) accepts neither.
    var assertionEndpointAudiences: [String] { [issuer + paths.token, issuer + paths.pushedAuthorizationRequest] }

    /// The verifiers the assertion may be checked with, each pinned to its `alg` (RFC 8725 §2.1,
    /// §3.1): HS256 under the derived secret for `client_secret_jwt`; for `private_key_jwt` an
    /// asymmetric algorithm this host verifies, with the registered keys its `kid` selects whose
    /// `alg`, `use` and `key_ops` allow it. Empty when none may: `none` never verifies, nor any
    /// other `alg` than the client's registered `token_endpoint_auth_signing_alg` (OpenID Connect
    /// Registration 1.0 §2), nor a `jwks_uri` that cannot be read: the client's own document, so
    /// its failure is the client's (`invalid_client`, RFC 6749 §5.2), never a 5xx.
    func assertionVerifiers(for client: Client, _ assertion: ClientAssertion) async -> [any SignatureVerifier] {
        let algorithm = assertion.algorithm
        if let pinned = client.tokenEndpointAuthSigningAlgorithm, pinned != algorithm { return [] }
        switch client.authentication {
        case .none:
            return []
        case .clientSecret(let stored, let methods):
            guard methods.contains(.jwt), algorithm == .hs256,
                let secret = DerivedClientSecret.secret(for: client.id, stored: stored, key: serverKey),
                let verifier = try? HS256Signer(key: Array(secret.utf8))
            else { return [] }
            return [verifier]
        case .privateKeyJWT(let keys):
            guard let verification = publicKeyVerification, !algorithm.isSymmetric, !algorithm.isUnsecured,
                verification.algorithms.contains(algorithm)
            else { return [] }
            let set: JWKSet
            switch keys {
            case .jwks(let registered):
                set = registered
            case .jwksURI(let uri):
                guard let jwkSets, let fetched = try? await jwkSets.jwkSet(at: uri) else { return [] }
                set = fetched
            }
            return set.keys.filter { Self.mayVerify($0, algorithm, keyID: assertion.keyID) }
                .compactMap { verification.verifier(for: $0, algorithm: algorithm) }
        }
    }

    /// Whether a registered public key may check a signature by `algorithm` (RFC 7517 §4.2-4.5):
    /// never an `oct` key, never an HMAC or `none` (RFC 8725 §3.1; RFC 7518 §3.6: `canCarry`
    /// trusts an algorithm it does not know, and `none` is one); its `kid` the header's when the
    /// header has one; its `alg`, `use` and `key_ops`, when set, allowing it.
    static func mayVerify(_ key: JWK, _ algorithm: JWSAlgorithm, keyID: String?) -> Bool {
        if case .oct = key.key { return false }
        if algorithm.isSymmetric || algorithm.isUnsecured { return false }
        if let keyID, key.keyID != keyID { return false }
        if let pinned = key.algorithm, pinned != algorithm { return false }
        if let use = key.use, use != .signature { return false }
        if let operations = key.operations, !operations.contains(.verify) { return false }
        return key.key.canCarry(algorithm)
    }
}
