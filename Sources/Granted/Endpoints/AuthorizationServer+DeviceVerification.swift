import Foundation

/// A device authorization as the host's verification page shows it (RFC 8628 §3.3): who asks,
/// for what, so the user can tell it is the device in front of them (§5.4).
public struct DeviceVerification: Sendable, Hashable {
    /// The user code in its display form, `XXXX-XXXX`, for the page to carry to its next form.
    public let userCode: String
    public let client: ClientView
    public let scopes: ScopeSet
    public let resources: Audience
    public let expiresAt: Date
}

/// The engine's side of the verification page (RFC 8628 §3.3): the host signs the user in and
/// asks consent with its own UI, and calls these with what the user typed.
///
/// Brute force is bounded twice (§5.1): an entry whose first six characters find a pending
/// authorization but whose rest is wrong counts against it, and `Policy.maxFailedUserCodeEntries`
/// of them burn it (its device gets `expired_token`); every entry that finds nothing is the
/// host's to count per user session, and past its limit it stops asking the engine.
extension AuthorizationServer {
    /// Looks up what the user typed, ignoring case, spaces and dashes.
    /// - Returns: the pending authorization; nil when the input is no user code, or none pending
    ///   matches it (unknown, wrong, expired, burned or already decided).
    /// - Throws: `serverError` when the store fails.
    public func lookUpUserCode(_ input: String) async throws(OAuthError) -> DeviceVerification? {
        guard let entry = try await enter(input, then: { _, _ in true }) else { return nil }
        guard let client = try await seam({ try await clients.client(entry.device.client) }) else { return nil }
        return DeviceVerification(
            userCode: entry.userCode, client: ClientView(client), scopes: entry.device.scopes,
            resources: entry.device.resources, expiresAt: entry.device.expiresAt)
    }

    /// The signed-in user approved the device (§3.3): records the user's authorization of the
    /// client and lets the device's next poll have the tokens.
    /// - Parameters:
    ///   - scopes: what the user approved; nil approves everything asked. Only scopes asked for
    ///     count; none of them left is a denial.
    ///   - authTime: when the user last authenticated (OpenID Connect `auth_time`).
    /// - Returns: false when no pending authorization matches the code any more.
    /// - Throws: `serverError` when the store fails.
    @discardableResult
    public func approveDevice(
        userCode input: String, subject: Subject, scopes approved: ScopeSet? = nil, authTime: Date
    ) async throws(OAuthError) -> Bool {
        try await approveDevice(userCode: input, session: UserSession(subject: subject, authTime: authTime), scopes: approved)
    }

    /// `approveDevice(userCode:subject:scopes:authTime:)` in a session: with its `id`, the session
    /// records the device's client (whom sign-out tells, Back-Channel Logout 1.0 §2.1), the
    /// device's ID tokens carry `sid`, and its refresh tokens end with the session (per policy).
    /// - Returns: false when no pending authorization matches the code any more.
    /// - Throws: `loginRequired` when the session ended or is another user's (nothing is
    ///   recorded: sign the user in again); `serverError` when the store fails.
    @discardableResult
    public func approveDevice(
        userCode input: String, session: UserSession, scopes approved: ScopeSet? = nil
    ) async throws(OAuthError) -> Bool {
        guard let found = try await enter(input, then: { _, _ in true }) else { return false }
        let requested = found.device.scopes
        let scopes = approved.map { requested.intersection($0) } ?? requested
        guard !scopes.isEmpty else { return try await denyDevice(userCode: input) }
        let now = clock.now
        let subject = session.subject
        if let id = session.id { try await recordSignIn(id, subject: subject, client: found.device.client, now: now) }
        let authorization = try await issuing.recordAuthorization(
            subject: subject, client: found.device.client, scopes: scopes, now: now)
        let approval = DeviceAuthorization.Approval(
            subject: subject, scopes: scopes, authTime: session.authTime, authorization: authorization,
            approvedAt: now, sessionID: session.id)
        return try await enter(input, then: { device, now in device.approve(approval, at: now) }) != nil
    }

    /// The user denied the device (§3.3): its next poll is `access_denied`.
    /// - Returns: false when no pending authorization matches the code any more.
    /// - Throws: `serverError` when the store fails.
    @discardableResult
    public func denyDevice(userCode input: String) async throws(OAuthError) -> Bool {
        try await enter(input, then: { device, now in device.deny(at: now) }) != nil
    }

    /// Finds the authorization by the code's lookup digest and checks the whole code in one
    /// transition; on a match runs `decide`, which answers whether it took effect.
    private func enter(
        _ input: String, then decide: @escaping @Sendable (inout DeviceAuthorization, Date) -> Bool
    ) async throws(OAuthError) -> (device: DeviceAuthorization, userCode: String)? {
        guard let letters = UserCode.normalize(input) else { return nil }
        let digests = serverKey.userCodeDigests(letters)
        let now = clock.now
        let maxFailures = policy.maxFailedUserCodeEntries
        let found = try await seam {
            try await store.updateDeviceAuthorization(userCode: digests.lookup) { device -> DeviceAuthorization? in
                guard device.enter(check: digests.check, at: now, maxFailures: maxFailures) == .matched,
                    decide(&device, now)
                else { return nil }
                return device
            }
        }
        return found.flatMap { $0 }.map { ($0, UserCode.display(letters)) }
    }
}
