import Foundation

/// Ending a session (OpenID Connect RP-Initiated Logout 1.0 §2, Back-Channel Logout 1.0 §2.5, §2.7).
extension AuthorizationServer {
    /// A fresh session identifier for the host's session (`UserSession.id`).
    public func newSessionID() -> SessionID { SessionID(random: random) }

    /// Ends the session: marks its record ended (so it approves nothing more, `prompt=none`
    /// answers `login_required`, and a code or device approved in it but not yet exchanged is
    /// refused with `invalid_grant`), revokes its refresh token families per policy, and answers the
    /// back-channel deliveries to every client it signed in to that registered a
    /// `backchannel_logout_uri`. Ending an unknown session, or one a sign-out finished, does nothing.
    ///
    /// Retry-safe: the record is ended first, so nothing new joins the session while the rest
    /// runs, and it keeps its clients and families until the last step empties them
    /// (`SignInSession.settle`). A call the store failed part-way (`serverError`) leaves them, so
    /// calling again revokes what is left (revoking twice changes nothing) and answers every
    /// delivery again. That repeat is what Back-Channel Logout 1.0 §2.5 allows: the server
    /// retransmits only when it suspects an earlier transmission failed, and the deliveries of a
    /// call that threw were never handed to the host. A call that finished answers nothing the
    /// next time, so signing out twice does not tell the clients twice. Should only the last
    /// step fail, the deliveries are still answered and a later call may repeat them; two calls
    /// racing on one session may both answer them (a relying party takes a repeat as a no-op).
    /// - Throws: `serverError` when the store fails (then call again).
    public func signOut(_ session: SessionID) async throws(OAuthError) -> SignOut {
        let now = clock.now
        let ending = try await seam { try await store.updateSession(session) { $0?.end(at: now) } }
        guard case .ended(let subject, let clientIDs, let families)? = ending else {
            return SignOut(session: nil, deliveries: [], revokedFamilies: 0)
        }
        var revoked = 0
        for family in families.sorted(by: { $0.text < $1.text }) {
            let policy = policy
            let didRevoke = try await seam {
                try await store.updateFamily(family) { stored -> Bool in
                    guard let current = stored, SignOutRules.revokes(current, policy: policy) else { return false }
                    return stored?.revoke(at: now) ?? false
                }
            }
            if didRevoke { revoked += 1 }
        }
        var deliveries: [BackChannelLogoutDelivery] = []
        if let keys = signingKeys {
            for id in clientIDs.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let client = try await seam({ try await clients.client(id) }),
                    let uri = client.backchannelLogoutURI
                else { continue }
                let token = SignOutRules.logoutToken(
                    issuer: issuer, client: id, subject: subject, session: session,
                    jwtID: Base64URL.encode(random.bytes(16)), policy: policy, now: now)
                do {
                    deliveries.append(
                        BackChannelLogoutDelivery(client: id, uri: uri, logoutToken: try token.signed(with: keys.active)))
                } catch {
                    throw .serverError
                }
            }
        }
        // Best effort: a record left unsettled only means a later call repeats the deliveries.
        _ = try? await seam { try await store.updateSession(session) { $0?.settle() } }
        return SignOut(session: session, deliveries: deliveries, revokedFamilies: revoked)
    }
}
