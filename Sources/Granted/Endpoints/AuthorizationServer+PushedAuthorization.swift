import Foundation

/// Pushed authorization requests (RFC 9126): the client posts its authorization request to the
/// server first, and the authorization endpoint then runs it by reference (`request_uri`).
extension AuthorizationServer {
    /// The pushed authorization request endpoint (§2): POST, form-encoded, the client
    /// authenticated as at the token endpoint (a public client sends `client_id`, §2.1). Answers
    /// 201 with `request_uri` and `expires_in` (§2.2), or a JSON error (§2.3).
    public func pushedAuthorizationRequest(_ request: OAuthRequest) async -> OAuthResponse {
        // §2.3: 405 for any other method.
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do {
            return try await pushedAuthorizationResponse(request)
        } catch {
            return error.tokenEndpointResponse
        }
    }

    /// Client credentials: what authenticates the push, never part of the stored request.
    static let credentialParameters: Set<String> = ["client_secret", "client_assertion", "client_assertion_type"]

    private func pushedAuthorizationResponse(_ request: OAuthRequest) async throws(OAuthError) -> OAuthResponse {
        guard request.hasFormBody else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        let form = try FormParameters(parsing: request.body, limits: policy.inputLimits)
        let client = try await authenticateClient(request, form: form)
        // §2.1: a request_uri is never pushed.
        if form.contains("request_uri") { throw .invalidRequest("request_uri must not be pushed") }
        var pairs = form.all.filter { !Self.credentialParameters.contains($0.name) }
        if try form.single("client_id") == nil { pairs.append(("client_id", client.id.rawValue)) }
        var parameters = FormParameters(pairs: pairs)
        // §2.1: validated as the authorization endpoint would; every error is the client's here.
        switch validate(parameters, client: client, isPushed: true) {
        case .valid: break
        case .redirect(_, let error), .userFacing(let error, _): throw error
        }
        let now = clock.now
        if let thumbprint = try await pushedRequestKey(request, parameters: parameters, now: now) {
            pairs.append(("dpop_jkt", thumbprint))
            parameters = FormParameters(pairs: pairs)
        }
        let lifetime = policy.pushedRequestLifetime.rounded(.down)
        let requestURI = random.mintSecret(prefix: Policy.requestURIPrefix)
        let pushed = PushedRequest(
            client: client.id, parameters: parameters.all.map { PushedRequest.Parameter(name: $0.name, value: $0.value) },
            issuedAt: now, expiresAt: now + lifetime)
        try await seam({ try await store.insert(pushed, at: requestURI.digest) })
        var json = JSONWriter(capacity: 128)
        json.field("request_uri", requestURI.value)
        json.field("expires_in", Int(lifetime))
        // §2.2: 201 Created.
        return .json(json.finish(), status: 201)
    }

    /// The key a `DPoP` proof at this endpoint binds the code to (RFC 9449 §10.1), when the
    /// pushed parameters carry no `dpop_jkt` of their own; nil without a proof, or when DPoP is
    /// off (the header is then ignored, §5) or `dpop_jkt` already names the same key.
    /// - Throws: `invalidDPoPProof` for a proof that fails §4.3 (its `htu` is this endpoint) or
    ///   is not of the key `dpop_jkt` names (§10.1: both present must match); `useDPoPNonce` (§8).
    private func pushedRequestKey(
        _ request: OAuthRequest, parameters: FormParameters, now: Date
    ) async throws(OAuthError) -> String? {
        guard let dpopVerifier,
            let thumbprint = try await dpopVerifier.verify(
                request, uri: issuer + paths.pushedAuthorizationRequest, accessToken: nil, now: now)
        else { return nil }
        guard let named = try parameters.single("dpop_jkt") else { return thumbprint }
        guard ConstantTime.equals(Array(named.utf8), Array(thumbprint.utf8)) else {
            throw .invalidDPoPProof("dpop_jkt is not the thumbprint of the DPoP proof's key")
        }
        return nil
    }

    /// Uses the pushed request `request_uri` names for `client` (§4), once, and answers its
    /// parameters. Inline parameters that repeat a pushed one exactly are ignored; any other
    /// (a different value, or one not pushed) is refused, as it would contradict the pushed request.
    /// - Throws: `invalidRequest` for an unknown, expired, used or another client's request_uri;
    ///   these errors are for the user, never redirected (the redirect URI is not known good).
    func usePushedRequest(_ inline: FormParameters, client: Client) async throws(OAuthError) -> FormParameters {
        guard let requestURI = try inline.single("request_uri") else {
            throw .invalidRequest("request_uri is required")
        }
        let now = clock.now
        let id = client.id
        let use = try await seam({
            try await store.updatePushedRequest(at: Digest256(hashing: requestURI)) { $0.use(by: id, at: now) }
        })
        guard case .granted(let pushed) = use else {
            throw .invalidRequest("request_uri is unknown, expired or already used")
        }
        for parameter in inline.all where parameter.name != "client_id" && parameter.name != "request_uri" {
            guard pushed.contains(where: { $0.name == parameter.name && $0.value == parameter.value }) else {
                throw .invalidRequest("a parameter contradicts the pushed request")
            }
        }
        return FormParameters(pairs: pushed.map { ($0.name, $0.value) })
    }
}
