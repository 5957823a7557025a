import Foundation

/// An end-session request (OpenID Connect RP-Initiated Logout 1.0 §2), validated.
public struct EndSessionRequest: Sendable, Hashable {
    /// The verified `id_token_hint`; nil when none was sent.
    public let hint: IDTokenHint?
    /// The client the request is from: the hint's, or `client_id` when there is no hint.
    public let client: ClientID?
    /// `post_logout_redirect_uri` as sent; redirected to only when `redirect` says so.
    public let postLogoutRedirectURI: String?
    public let state: String?
    /// `logout_hint` and `ui_locales` (§2), for the host's pages.
    public let logoutHint: String?
    public let uiLocales: String?

    /// The session the hint was issued in (`sid`), should the host no longer hold one.
    public var sessionID: SessionID? { hint?.sessionID }
}

/// What the host does with an end-session request (RP-Initiated Logout 1.0 §2, §3): the engine
/// decides; the host ends its session (`AuthorizationServer.signOut`) and answers. Only a URI
/// registered for the client the verified hint names is ever redirected to.
public enum EndSessionDecision: Sendable, Hashable {
    /// Sign out, then send this 303 to the registered `post_logout_redirect_uri`, with `state` (§3).
    case signOutAndRedirect(EndSessionRequest, OAuthResponse)
    /// Sign out, then show a signed-out page: no URI was asked, or it is not registered for the
    /// hint's client (§3: the server MUST NOT redirect then).
    case signOut(EndSessionRequest)
    /// Ask the user whether to sign out before signing anyone out (§2, §6): there is no
    /// `id_token_hint`, or the hint was not issued in the host's current session (its `sid` is
    /// not `currentSession`), so nothing proves the user's own relying party sent the request.
    /// When they say yes, sign out and send `redirect` when there is one (a verified hint whose
    /// client registered the URI, §3), else show a signed-out page. Without a hint `redirect` is
    /// always nil.
    case confirm(EndSessionRequest, redirect: OAuthResponse?)
    /// The request is bad (a hint this server did not issue, a `client_id` that is not the
    /// hint's, a repeated parameter): show an error, redirect nowhere (§2, §4).
    case refuse(OAuthError)

    /// The validated request; nil when refused.
    public var request: EndSessionRequest? {
        switch self {
        case .signOutAndRedirect(let request, _), .signOut(let request), .confirm(let request, _): request
        case .refuse: nil
        }
    }
}

extension AuthorizationServer {
    /// Validates an end-session request, GET query or POST form (RP-Initiated Logout 1.0 §2).
    /// - Parameter currentSession: the session the host holds for this browser, nil when none;
    ///   a hint issued in any other session (or with no `sid`) asks the user first (`confirm`).
    public func endSession(_ request: OAuthRequest, currentSession: SessionID?) async -> EndSessionDecision {
        do {
            let parameters = try FormParameters(
                queryOrFormPost: request, limits: policy.inputLimits, endpoint: "end-session")
            return try await endSession(parameters, currentSession: currentSession)
        } catch {
            return .refuse(error)
        }
    }

    private func endSession(
        _ parameters: FormParameters, currentSession: SessionID?
    ) async throws(OAuthError) -> EndSessionDecision {
        let rawHint = try parameters.single("id_token_hint")
        let clientID = try parameters.single("client_id").map { ClientID($0) }
        let uri = try parameters.single("post_logout_redirect_uri")
        let state = try parameters.single("state")
        let logoutHint = try parameters.single("logout_hint")
        let uiLocales = try parameters.single("ui_locales")
        var hint: IDTokenHint?
        if let rawHint {
            // §2: the server MUST validate that it was the issuer of the ID token.
            guard let verified = idTokenHint(rawHint) else {
                throw .invalidRequest("id_token_hint is not an ID token this server issued")
            }
            // §2: when both are sent, client_id MUST be the hint's.
            if let clientID, !verified.audience.contains(clientID) {
                throw .invalidRequest("client_id does not match the id_token_hint")
            }
            hint = verified
        }
        let client = hint.flatMap { hint in clientID ?? hint.client } ?? clientID
        let request = EndSessionRequest(
            hint: hint, client: client, postLogoutRedirectURI: uri, state: state, logoutHint: logoutHint,
            uiLocales: uiLocales)
        guard let hint else { return .confirm(request, redirect: nil) }
        var redirect: OAuthResponse?
        if let uri, let client, let registered = try await seam({ try await clients.client(client) }),
            registered.postLogoutRedirectURIs.contains(uri)
        {
            redirect = Self.postLogoutRedirect(to: uri, state: state)
        }
        // §2: the server MUST ask the user when the hint does not belong to the current session.
        guard let sid = hint.sessionID, sid == currentSession else { return .confirm(request, redirect: redirect) }
        return redirect.map { .signOutAndRedirect(request, $0) } ?? .signOut(request)
    }

    /// The 303 to a registered `post_logout_redirect_uri`, with `state` when sent (§3).
    static func postLogoutRedirect(to uri: String, state: String?) -> OAuthResponse {
        var location = uri
        if let state {
            location += (uri.utf8.contains(UInt8(ascii: "?")) ? "&" : "?") + FormEncoding.encode([("state", state)])
        }
        return OAuthResponse(status: 303, headers: ["Location": location, "Cache-Control": "no-store"])
    }
}
