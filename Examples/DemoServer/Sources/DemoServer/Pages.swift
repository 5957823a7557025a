import Granted

/// The HTML of the authorization endpoint's pages. Each page holds exactly one
/// `<form method="post">`; every value written into it goes through `HTML.escape`.
enum Pages {
    /// What the consent page says each scope lets the client do.
    static let scopeDescriptions: [Scope: String] = [
        .public: "read your public profile (username and name)",
        "message.send": "send messages as you",
        .openid: "sign you in with your account",
        .profile: "see your name and username",
        .email: "see your email address",
    ]

    /// The sign-in form: `username` and `password`, the original request in hidden inputs.
    static func signIn(
        client: ClientView, action: String, carried: [(name: String, value: String)], csrfToken: String,
        username: String?, error: String?, status: Int = 200
    ) -> OAuthResponse {
        var body = "<h1>Sign in</h1>"
        body += "<p><strong>\(HTML.escape(client.name))</strong> wants to access your account.</p>"
        if let error { body += #"<p class="error" role="alert">\#(HTML.escape(error))</p>"# }
        body += #"<form method="post" action="\#(HTML.escape(action))">"#
        body += hiddenInputs(carried, csrfToken: csrfToken)
        body += #"<label>Username <input type="text" name="username" value="\#(HTML.escape(username ?? ""))" autocomplete="username" required autofocus></label>"#
        body += #"<label>Password <input type="password" name="password" autocomplete="current-password" required></label>"#
        body += #"<button type="submit">Sign in</button></form>"#
        body += "<p class=\"hint\">Demo users: alice / wonderland, bob / builder.</p>"
        return page(title: "Sign in", body: body, status: status)
    }

    /// The consent page: the client, the scopes, and `decision` = `approve` or `deny`.
    static func consent(
        client: ClientView, scopes: ScopeSet, username: String, action: String,
        carried: [(name: String, value: String)], csrfToken: String, error: String?, status: Int = 200
    ) -> OAuthResponse {
        var body = "<h1>Authorize \(HTML.escape(client.name))</h1>"
        body += "<p>Signed in as <strong>\(HTML.escape(username))</strong>.</p>"
        if let error { body += #"<p class="error" role="alert">\#(HTML.escape(error))</p>"# }
        if let url = ClientIdentifierURL(client.id.rawValue) {
            // draft-ietf-oauth-client-id-metadata-document §8.5: the site, whatever the document's name says.
            body += "<p class=\"hint\">This application describes itself at <strong>\(HTML.escape(url.host))</strong>.</p>"
        }
        body += "<p><strong>\(HTML.escape(client.name))</strong> (<code>\(HTML.escape(client.id.rawValue))</code>) asks to:</p><ul>"
        for scope in scopes {
            let what = scopeDescriptions[scope].map { " — " + HTML.escape($0) } ?? ""
            body += "<li><code>\(HTML.escape(scope.rawValue))</code>\(what)</li>"
        }
        body += "</ul>"
        body += #"<form method="post" action="\#(HTML.escape(action))">"#
        body += hiddenInputs(carried, csrfToken: csrfToken)
        body += #"<button type="submit" name="decision" value="approve">Allow</button> "#
        body += #"<button type="submit" name="decision" value="deny">Deny</button></form>"#
        return page(title: "Authorize \(client.name)", body: body, status: status)
    }

    /// Unknown client or unregistered redirect URI (RFC 6749 §4.1.2.1): 400, never redirected.
    static func authorizationError(_ error: OAuthError) -> OAuthResponse {
        var body = "<h1>This authorization request cannot go on</h1>"
        body += "<p>\(HTML.escape(error.description ?? error.code))</p>"
        body += "<p>Error: <code>\(HTML.escape(error.code))</code>. The application that sent you here "
        body += "is unknown or did not give a registered redirect URI, so you were not sent back to it.</p>"
        return page(title: "Authorization error", body: body, status: 400)
    }

    /// A form over the size limit (RFC 9110 §15.5.14): a page, since a person sent it.
    static func bodyTooLarge() -> OAuthResponse {
        page(title: "Request too large", body: "<h1>This request is too large</h1><p>Please go back and try again.</p>", status: 413)
    }

    static func hiddenInputs(_ carried: [(name: String, value: String)], csrfToken: String) -> String {
        var html = #"<input type="hidden" name="csrf_token" value="\#(HTML.escape(csrfToken))">"#
        for (name, value) in carried {
            html += #"<input type="hidden" name="\#(HTML.escape(name))" value="\#(HTML.escape(value))">"#
        }
        return html
    }

    static func page(title: String, body: String, status: Int) -> OAuthResponse {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(HTML.escape(title)) · Granted demo</title><style>\(style)</style></head>\
            <body><main>\(body)</main></body></html>
            """
        return OAuthResponse(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8",
                "Cache-Control": "no-store",
                // No framing (clickjacking of the consent page), no scripts, no referrer leaks.
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
            ],
            body: Array(html.utf8))
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0}\
        main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}\
        label{display:block;margin:.8rem 0}input[type=text],input[type=password]{display:block;width:100%;\
        box-sizing:border-box;padding:.5rem;margin-top:.3rem}button{padding:.5rem 1.2rem;margin-top:.5rem}\
        .error{color:#b00020}.hint{color:#666;font-size:.85rem}
        """
}
