import Granted

/// The verification page of the device authorization grant (RFC 8628 §3.3) at
/// `paths.deviceVerification`: the user types the code the device shows (or arrives with it,
/// from `verification_uri_complete`), signs in, and approves or denies. Granted checks the code
/// and counts wrong entries against the device authorization; this page counts the codes a
/// browser got wrong and stops asking after `BrowserSessions.maxWrongUserCodes` (§5.1).
struct DevicePages: Sendable {
    let server: AuthorizationServer
    let users: DemoUsers
    let sessions: BrowserSessions

    var action: String { server.paths.deviceVerification }

    func respond(to request: OAuthRequest) async -> OAuthResponse {
        let browser = await sessions.browser(of: request)
        let (response, shownTo) = await answer(request, browser: browser)
        guard shownTo.setsCookie else { return response }
        var withCookie = response
        withCookie.headers.append("Set-Cookie", sessions.setCookie(for: shownTo))
        return withCookie
    }

    private func answer(_ request: OAuthRequest, browser: Browser) async -> (OAuthResponse, Browser) {
        switch request.method {
        case .get, .head:
            // verification_uri_complete: the code is in the query, no typing needed (§3.3.1).
            if let query = try? FormParameters(query: request.query), let code = try? query.single("user_code") {
                return (await entered(code, browser: browser), browser)
            }
            return (entryPage(browser, error: nil), browser)
        case .post:
            guard let form = try? FormParameters(parsing: request.body) else {
                return (entryPage(browser, error: "Please try again.", status: 400), browser)
            }
            return await submitted(form, browser: browser)
        default:
            var response = entryPage(browser, error: nil, status: 405)
            response.headers.append("Allow", "GET, POST")
            return (response, browser)
        }
    }

    private func submitted(_ form: FormParameters, browser: Browser) async -> (OAuthResponse, Browser) {
        let code = (try? form.single("user_code")) ?? ""
        let token = try? form.single("csrf_token")
        if form.contains("decision") {
            guard sessions.isValidConsentToken(token, for: browser, request: Self.carried(code)) else {
                return (entryPage(browser, error: "This form has expired. Please try again.", status: 403), browser)
            }
            return (await decide(try? form.single("decision"), code: code, browser: browser), browser)
        }
        guard sessions.isValidCSRFToken(token, for: browser) else {
            return (entryPage(browser, error: "This form has expired. Please try again.", status: 403), browser)
        }
        guard form.contains("username") else { return (await entered(code, browser: browser), browser) }
        guard let verification = try? await server.lookUpUserCode(code) else {
            return (entryPage(browser, error: "That code is not valid or has expired.", status: 400), browser)
        }
        guard let username = try? form.single("username"), let password = try? form.single("password"),
            let user = users.authenticate(username: username, password: password)
        else {
            let page = Pages.signIn(
                client: verification.client, action: action, carried: Self.carried(verification.userCode),
                csrfToken: sessions.csrfToken(for: browser), username: try? form.single("username"),
                error: "The username or password is incorrect.")
            return (page, browser)
        }
        let signedIn = await sessions.signIn(user.subject, replacing: browser)
        return (consentPage(verification, browser: signedIn), signedIn)
    }

    /// A code was typed or came in the link: on to sign-in or consent, or the entry page again.
    private func entered(_ code: String, browser: Browser) async -> OAuthResponse {
        guard await sessions.wrongUserCodes(of: browser) < BrowserSessions.maxWrongUserCodes else {
            return entryPage(browser, error: "Too many wrong codes. Please try again later.", status: 429)
        }
        guard let verification = try? await server.lookUpUserCode(code) else {
            await sessions.recordWrongUserCode(for: browser)
            return entryPage(browser, error: "That code is not valid or has expired.", status: 400)
        }
        guard browser.session != nil else {
            return Pages.signIn(
                client: verification.client, action: action, carried: Self.carried(verification.userCode),
                csrfToken: sessions.csrfToken(for: browser), username: nil, error: nil)
        }
        return consentPage(verification, browser: browser)
    }

    private func decide(_ decision: String?, code: String, browser: Browser) async -> OAuthResponse {
        guard let session = browser.session else {
            return entryPage(browser, error: "Please sign in again.", status: 400)
        }
        let client = (try? await server.lookUpUserCode(code))?.client.name
        let done: Bool?
        switch decision {
        case "approve":
            do {
                // In the browser's session: the device's ID tokens carry its sid, and sign-out ends them.
                done = try await server.approveDevice(userCode: code, session: session)
            } catch .loginRequired {
                // The session was signed out elsewhere (an end-session request with its hint).
                _ = await sessions.signOut(browser)
                return entryPage(browser, error: "You were signed out. Enter the code again to sign in.", status: 400)
            } catch {
                done = nil
            }
        case "deny":
            done = try? await server.denyDevice(userCode: code)
        default:
            return entryPage(browser, error: "Choose Allow or Deny.", status: 400)
        }
        guard done == true else {
            return entryPage(browser, error: "That code is not valid or has expired.", status: 400)
        }
        return Pages.deviceDone(client: client, approved: decision == "approve")
    }

    private func consentPage(_ verification: DeviceVerification, browser: Browser) -> OAuthResponse {
        let carried = Self.carried(verification.userCode)
        let username = browser.session.map { users.user($0.subject)?.username ?? $0.subject.rawValue } ?? ""
        return Pages.consent(
            client: verification.client, scopes: verification.scopes, username: username, action: action,
            carried: carried, csrfToken: sessions.consentToken(for: browser, request: carried), error: nil)
    }

    private func entryPage(_ browser: Browser, error: String?, status: Int = 200) -> OAuthResponse {
        Pages.deviceCodeEntry(action: action, csrfToken: sessions.csrfToken(for: browser), error: error, status: status)
    }

    /// What the sign-in and consent forms carry: the code in its display form.
    static func carried(_ userCode: String) -> [(name: String, value: String)] { [("user_code", userCode)] }
}
