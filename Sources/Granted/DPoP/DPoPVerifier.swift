import Foundation

/// Checks DPoP proofs against the request they came with (RFC 9449 §4.3), for the token
/// endpoint and for resource servers: the public key of the proof, verified through the host's
/// `PublicKeyVerification`, and its `jti` recorded once (§11.1) through `GrantStore.insertOnce`.
public struct DPoPVerifier: Sendable {
    public let verification: any PublicKeyVerification
    public let policy: DPoPPolicy
    /// Where each proof's `jti` is recorded until its `iat` window closes (§11.1).
    public let store: any GrantStore
    let nonces: DPoPNonce

    /// - Parameter serverKey: derives the nonces (`DPoPNonce`); processes that share a store
    ///   must share it, as the authorization server's.
    public init(
        verification: any PublicKeyVerification, policy: DPoPPolicy = DPoPPolicy(), store: any GrantStore,
        serverKey: ServerKey
    ) {
        self.verification = verification
        self.policy = policy
        self.store = store
        self.nonces = DPoPNonce(key: serverKey, lifetime: policy.nonceLifetime)
    }

    /// The `alg` values proofs may use (§5.1 `dpop_signing_alg_values_supported`, §7.1 `algs`).
    public var algorithms: [JWSAlgorithm] { policy.acceptedAlgorithms(with: verification) }

    /// The nonce a client should put in its next proof (`DPoP-Nonce`, §8.1).
    public func nonce(at now: Date) -> String { nonces.current(at: now) }

    /// The proof of `request`, checked; nil when it has no `DPoP` header.
    /// - Parameters:
    ///   - uri: the URI the request was sent to, which `htu` must name (§4.3 step 9).
    ///   - accessToken: the access token presented with it, whose hash `ath` must be (§4.3 step 12).
    /// - Returns: the JWK SHA-256 thumbprint of the proof's key (RFC 7638; §6.1 `jkt`).
    /// - Throws: `invalidDPoPProof`, `useDPoPNonce` (§8), `serverError` when the store fails.
    func verify(
        _ request: OAuthRequest, uri: String, accessToken: String?, now: Date
    ) async throws(OAuthError) -> String? {
        let count = request.headers.count(of: "dpop")
        guard count > 0 else { return nil }
        // §4.3 step 1: not more than one DPoP header.
        guard count == 1, let compact = request.headers["dpop"] else {
            throw .invalidDPoPProof("more than one DPoP header was sent")
        }
        let proof = try DPoPProof(compact)
        try check(proof, method: request.method.rawValue, uri: uri, accessToken: accessToken, now: now)
        let thumbprint = proof.key.thumbprint
        let recorded = try await seam {
            try await store.insertOnce(Self.replayDigest(thumbprint: thumbprint, jwtID: proof.jwtID),
                expiresAt: proof.issuedAt + max(0, policy.proofLifetime) + 1)
        }
        // §11.1: a proof is used once.
        guard recorded else { throw .invalidDPoPProof("the DPoP proof was already used") }
        return thumbprint
    }

    /// The checks of §4.3 that need no store, in its order: the `alg` is accepted (step 5), the
    /// signature verifies with the `jwk` (step 6), `htm` (step 8), `htu` (step 9), the nonce
    /// (step 10), `iat` (step 11), `ath` (step 12).
    func check(_ proof: DPoPProof, method: String, uri: String, accessToken: String?, now: Date) throws(OAuthError) {
        guard algorithms.contains(proof.algorithm) else {
            throw .invalidDPoPProof("the DPoP proof's alg is not accepted")
        }
        guard let verifier = verification.verifier(for: proof.key, algorithm: proof.algorithm),
            verifier.verify(proof.jws.signature, for: proof.jws.signingInput)
        else { throw .invalidDPoPProof("the DPoP proof's signature does not verify with its jwk") }
        guard proof.method == method else { throw .invalidDPoPProof("the DPoP proof's htm does not match") }
        guard let presented = Self.normalized(proof.uri), let expected = Self.normalized(uri), presented == expected
        else { throw .invalidDPoPProof("the DPoP proof's htu does not match") }
        if policy.requiresNonce {
            guard let nonce = proof.nonce, nonces.accepts(nonce, at: now) else {
                throw .useDPoPNonce(nonces.current(at: now))
            }
        }
        let issuedAt = proof.issuedAt.timeIntervalSince1970
        let seconds = now.timeIntervalSince1970
        guard issuedAt >= seconds - max(0, policy.proofLifetime), issuedAt <= seconds + max(0, policy.clockSkew) else {
            throw .invalidDPoPProof("the DPoP proof's iat is outside the accepted window")
        }
        if let accessToken {
            guard let hash = proof.accessTokenHash,
                ConstantTime.equals(Array(hash.utf8), Array(DPoPProof.accessTokenHash(of: accessToken).utf8))
            else { throw .invalidDPoPProof("the DPoP proof's ath does not match the access token") }
        }
    }

    /// The key a proof's `jti` is recorded under (§11.1): a domain tag, the key's thumbprint
    /// and the `jti`, so no client assertion `jti` and no other key's proof shares the space.
    static func replayDigest(thumbprint: String, jwtID: String) -> Digest256 {
        Digest256(hashing: "granted dpop proof\u{0}\(thumbprint)\u{0}\(jwtID)")
    }

    /// `htu` as compared (§4.3 step 9; RFC 3986 §6.2.2, §6.2.3): without query and fragment,
    /// scheme and host lower-cased, the scheme's default port dropped, an empty path `/`. Nil
    /// for anything that is not an absolute `http` or `https` URI.
    static func normalized(_ uri: String) -> String? {
        var rest = Substring(uri)
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        // The scheme ends at the first ':' (RFC 3986 §3.1), which "//" must follow; found over
        // the UTF-8 bytes, not with Foundation's string search.
        let bytes = rest.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = rest[..<colon].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let slashes = bytes.index(after: colon)
        guard bytes[slashes...].starts(with: "//".utf8) else { return nil }
        let afterScheme = rest[bytes.index(slashes, offsetBy: 2)...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        var authority = afterScheme[..<pathStart].lowercased()
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        let defaultPort = scheme == "https" ? ":443" : ":80"
        if authority.hasSuffix(defaultPort) { authority.removeLast(defaultPort.count) }
        let path = afterScheme[pathStart...]
        return scheme + "://" + authority + (path.isEmpty ? "/" : String(path))
    }
}
