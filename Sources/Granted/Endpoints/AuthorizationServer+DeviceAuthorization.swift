import Foundation

/// The device authorization endpoint (RFC 8628 §3.1, §3.2): a device asks for a device code and
/// a user code, and learns where the user enters the code.
extension AuthorizationServer {
    /// Answers a device authorization request: POST, form-encoded, the client authenticated as at
    /// the token endpoint (a public client sends `client_id`, §3.1), scopes and resources checked.
    public func deviceAuthorization(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do {
            return try await deviceAuthorizationResponse(request)
        } catch {
            return error.tokenEndpointResponse
        }
    }

    /// The `verification_uri` (§3.2): the configured path on the issuer, or an absolute URL as is.
    public var verificationURI: String {
        let path = paths.deviceVerification
        return path.hasPrefix("https://") || path.hasPrefix("http://") ? path : issuer + path
    }

    /// How many user codes are drawn before giving up when each is already in use (34.5 bits:
    /// a second draw is already rare).
    static let userCodeAttempts = 4

    private func deviceAuthorizationResponse(_ request: OAuthRequest) async throws(OAuthError) -> OAuthResponse {
        guard request.hasFormBody else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        let form = try FormParameters(parsing: request.body, limits: policy.inputLimits)
        let client = try await authenticateClient(request, form: form)
        let granted = try DeviceCodeGrant.authorize(
            client: client, scope: try form.single("scope"),
            resources: try ResourceRules.requested(form, policy: policy), policy: policy)
        let now = clock.now
        let lifetime = policy.deviceCodeLifetime.rounded(.down)
        let interval = policy.devicePollingInterval.rounded(.up)
        let deviceCode = random.mintSecret(prefix: policy.deviceCodePrefix)
        let family = FamilyID(random: random)
        for _ in 0..<Self.userCodeAttempts {
            let userCode = UserCode.mint(using: random)
            guard let letters = UserCode.normalize(userCode) else { throw .serverError }
            let digests = serverKey.userCodeDigests(letters)
            let device = DeviceAuthorization(
                client: client.id, scopes: granted.scopes, resources: granted.resources,
                userCodeLookup: digests.lookup, userCodeCheck: digests.check, family: family, issuedAt: now,
                expiresAt: now + lifetime, interval: interval)
            guard try await seam({ try await store.insert(device, at: deviceCode.digest) }) else { continue }
            var json = JSONWriter(capacity: 320)
            json.field("device_code", deviceCode.value)
            json.field("user_code", userCode)
            json.field("verification_uri", verificationURI)
            json.field("verification_uri_complete", verificationURI + "?user_code=" + userCode)
            json.field("expires_in", Int(lifetime))
            json.field("interval", Int(interval))
            return .json(json.finish())
        }
        throw .serverError
    }
}
