import Foundation

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4, §3.5): the stored
/// state the grant needs.
extension AuthorizationServer {
    /// Polls the device authorization atomically, then reads the user authorization it hangs from.
    func deviceCodePlan(
        _ request: DeviceCodeGrant.Request, client: Client, resources: Audience?, now: Date
    ) async throws(OAuthError) -> TokenPlan {
        let clientID = client.id
        let outcome = try await seam {
            try await store.updateDeviceAuthorization(at: SHA256.hash(request.deviceCode)) { device in
                DeviceCodeGrant.poll(&device, client: clientID, resources: resources, at: now)
            }
        }
        switch outcome {
        case nil:
            throw .invalidGrant("the device code is invalid")
        case .error(let error)?:
            throw error
        case .replayed(let approval, let device)?:
            // As for codes (RFC 6749 §4.1.2): deny, and revoke what the first redemption issued.
            try await issuing.revokeFamily(DeviceCodeGrant.revokedFamily(of: device, approval: approval, at: now), now: now)
            throw .invalidGrant("the device code was already used")
        case .granted(let approval, let device)?:
            let authorizationID = approval.authorization
            let authorization = try await seam { try await store.authorization(authorizationID) }
            return try DeviceCodeGrant.plan(
                for: approval, device: device, client: client, authorization: authorization, resources: resources,
                policy: policy, now: now)
        }
    }
}
