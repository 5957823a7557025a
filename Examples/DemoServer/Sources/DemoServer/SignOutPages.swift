import Granted

/// The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2): Granted validates the
/// request and decides; this ends the browser's session in every case, ends the session at the
/// engine (which answers the back-channel deliveries, Back-Channel Logout 1.0 §2.5), sends them,
/// and redirects only when Granted says so.
struct SignOutPages: Sendable {
    let server: AuthorizationServer
    let sessions: BrowserSessions
    let sender: BackChannelSender

    func respond(to request: OAuthRequest) async -> OAuthResponse {
        let browser = await sessions.browser(of: request)
        let decision = await server.endSession(request, currentSession: browser.session?.id)
        // The demo's contract (a request with a hint ends the browser's session in every case, and
        // redirects when the URI is registered) signs out WITHOUT asking. RP-Initiated Logout 1.0
        // §2 would have it ask the user first when there is no hint or the hint was not issued in
        // this browser's session (`confirm`): a production host shows a confirmation page for
        // `confirm`, signs out only once the user says yes, and signs nobody out for `refuse`.
        let ended = await sessions.signOut(browser)
        // The browser's own session; failing that, the one the verified hint was issued in.
        if let id = ended?.id ?? decision.request?.sessionID,
            let signOut = try? await server.signOut(id)
        {
            await sender.send(signOut.deliveries)
        }
        var response: OAuthResponse
        switch decision {
        case .signOutAndRedirect(_, let redirect), .confirm(_, let redirect?):
            response = redirect
        case .signOut, .confirm:
            response = Pages.signedOut(error: nil)
        case .refuse(let error):
            response = Pages.signedOut(error: error)
        }
        response.headers.append("Set-Cookie", sessions.clearCookie)
        return response
    }
}

extension Pages {
    /// Signed out, redirected nowhere: no registered `post_logout_redirect_uri` of the hint's
    /// client was asked (RP-Initiated Logout 1.0 §3), or the request was refused (400).
    static func signedOut(error: OAuthError?) -> OAuthResponse {
        var body = "<h1>You are signed out</h1>"
        if let error {
            body += "<p>The sign-out request was not valid: <code>\(HTML.escape(error.code))</code>. "
            body += "You were signed out here, and not sent back to any application.</p>"
        } else {
            body += "<p>You can close this window.</p>"
        }
        return page(title: "Signed out", body: body, status: error == nil ? 200 : 400)
    }
}
