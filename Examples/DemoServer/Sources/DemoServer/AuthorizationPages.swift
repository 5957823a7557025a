import Granted

/// The person-facing half of the authorization endpoint (GET and POST `/authorize`). Granted
/// validates the request and decides what must happen (`validate`, `interaction`); this signs
/// the user in, asks consent, and hands the decision back (`approve`, `deny`).
struct AuthorizationPages: Sendable {
    let server: AuthorizationServer
    let users: DemoUsers
    let sessions: BrowserSessions
    /// Pushed requests (RFC 9126) being signed in to and decided on.
    let pushed: PushedInteractions

    /// The demo's own form fields, never carried along as authorization request parameters.
    static let ownFields: Set<String> = ["username", "password", "csrf_token", "decision"]

    func respond(to request: OAuthRequest) async -> OAuthResponse {
        // A sign-in or consent form of a pushed request (RFC 9126) carries its request_uri, which
        // Granted has used up already: the request is the one kept at its first view.
        let submitted = Self.submitted(request)
        let requestURI = submitted.flatMap { try? $0.single("request_uri") }
        let isForm = submitted?.all.contains(where: { Self.ownFields.contains($0.name) }) ?? false
        let authorization: AuthorizationRequest
        if isForm, let requestURI, let client = try? submitted?.single("client_id"),
            let kept = await pushed.request(requestURI, client: client)
        {
            authorization = kept
        } else {
            switch await server.validate(request) {
            case .userFacing(let error, _): return Pages.authorizationError(error)
            case .redirect(let response, _): return response
            case .valid(let valid): authorization = valid
            }
        }
        let page: Page
        let form: FormParameters?
        if authorization.isPushed, let requestURI {
            await pushed.keep(authorization, requestURI: requestURI)
            page = Page(
                authorization: authorization, action: server.paths.authorization,
                carried: [("client_id", authorization.client.id.rawValue), ("request_uri", requestURI)])
            form = submitted
        } else {
            page = Page(
                authorization: authorization, action: server.paths.authorization,
                carried: authorization.parameters.all.filter { !Self.ownFields.contains($0.name) })
            form = authorization.parameters
        }
        let browser = await sessions.browser(of: request)
        let (response, shownTo) = await answer(page, form: form, browser: browser)
        // A redirect ends the interaction: the pushed request is not kept for another decision.
        if response.status == 303 || response.headers["Location"] != nil, authorization.isPushed, let requestURI {
            await pushed.end(requestURI)
        }
        guard shownTo.setsCookie else { return response }
        var withCookie = response
        withCookie.headers.append("Set-Cookie", sessions.setCookie(for: shownTo))
        return withCookie
    }

    /// The parameters the request itself carries: the query of a GET, the form of a POST.
    private static func submitted(_ request: OAuthRequest) -> FormParameters? {
        switch request.method {
        case .get: try? FormParameters(query: request.query)
        case .post: try? FormParameters(parsing: request.body)
        default: nil
        }
    }

    /// The response, and the browser it is for (a new one after a sign-in).
    private func answer(_ page: Page, form: FormParameters?, browser: Browser) async -> (OAuthResponse, Browser) {
        // A client's own POST of an authorization request (OpenID Connect Core §3.1.2.1) carries
        // none of the demo's fields; a submitted sign-in or consent form must carry its CSRF token.
        guard let form, form.all.contains(where: { Self.ownFields.contains($0.name) }) else {
            return (await next(page, browser: browser, signedInNow: false), browser)
        }
        let token = try? form.single("csrf_token")
        // A decision counts only with the token of this request's consent page for this sign-in;
        // the sign-in page's token would let `prompt=login` be skipped (Core §3.1.2.1).
        let isDecision = form.contains("decision")
        let isValid =
            isDecision
            ? sessions.isValidConsentToken(token, for: browser, request: page.carried)
            : sessions.isValidCSRFToken(token, for: browser)
        guard isValid else {
            let response = await next(
                page, browser: browser, signedInNow: false, status: 403,
                error: "This form has expired. Please try again.")
            return (response, browser)
        }
        if isDecision {
            return (await decide(try? form.single("decision"), page, browser: browser), browser)
        }
        guard let username = try? form.single("username"), let password = try? form.single("password"),
            let user = users.authenticate(username: username, password: password)
        else {
            let response = signInPage(
                page, browser: browser, username: try? form.single("username"),
                error: "The username or password is incorrect.")
            return (response, browser)
        }
        let signedIn = await sessions.signIn(user.subject, replacing: browser)
        return (await next(page, browser: signedIn, signedInNow: true), signedIn)
    }

    /// Asks Granted what the request needs now (`prompt`, `max_age`, a session) and does it.
    private func next(
        _ page: Page, browser: Browser, signedInNow: Bool, status: Int = 200, error: String? = nil
    ) async -> OAuthResponse {
        switch await server.interaction(for: page.authorization, session: browser.session, signedInNow: signedInNow) {
        case .signIn:
            return signInPage(
                page, browser: browser, username: page.authorization.hints["login_hint"], error: error, status: status)
        case .consent(let session, _):
            return consentPage(page, browser: browser, session: session, error: error, status: status)
        case .approve(let session):
            return await server.approve(page.authorization, session: session)
        case .reject(let redirect, _):
            return redirect
        }
    }

    /// The consent form was submitted: approve or deny for the signed-in user.
    private func decide(_ decision: String?, _ page: Page, browser: Browser) async -> OAuthResponse {
        guard let session = browser.session else {
            return signInPage(page, browser: browser, username: nil, error: "Please sign in again.")
        }
        switch decision {
        case "approve":
            return await server.approve(page.authorization, session: session)
        case "deny":
            return server.deny(page.authorization)
        default:
            return consentPage(page, browser: browser, session: session, error: "Choose Allow or Deny.", status: 400)
        }
    }

    private func signInPage(
        _ page: Page, browser: Browser, username: String?, error: String?, status: Int = 200
    ) -> OAuthResponse {
        Pages.signIn(
            client: page.authorization.client, action: page.action, carried: page.carried,
            csrfToken: sessions.csrfToken(for: browser), username: username, error: error, status: status)
    }

    private func consentPage(
        _ page: Page, browser: Browser, session: UserSession, error: String?, status: Int
    ) -> OAuthResponse {
        let username = users.user(session.subject)?.username ?? session.subject.rawValue
        return Pages.consent(
            client: page.authorization.client, scopes: page.authorization.scopes, username: username,
            action: page.action, carried: page.carried,
            csrfToken: sessions.consentToken(for: browser, request: page.carried), error: error, status: status)
    }

    /// What every page of one authorization request shows and carries.
    struct Page {
        let authorization: AuthorizationRequest
        let action: String
        let carried: [(name: String, value: String)]
    }
}
