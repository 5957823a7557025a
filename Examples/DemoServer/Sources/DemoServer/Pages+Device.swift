import Granted

/// The verification page's HTML (RFC 8628 §3.3): code entry, and the page that sends the user
/// back to the device. Sign-in and consent are the authorization endpoint's pages.
extension Pages {
    /// One `<form method="post">` with a text input `user_code`.
    static func deviceCodeEntry(action: String, csrfToken: String, error: String?, status: Int = 200) -> OAuthResponse {
        var body = "<h1>Connect a device</h1>"
        body += "<p>Enter the code your device shows.</p>"
        if let error { body += #"<p class="error" role="alert">\#(HTML.escape(error))</p>"# }
        body += #"<form method="post" action="\#(HTML.escape(action))">"#
        body += hiddenInputs([], csrfToken: csrfToken)
        body += #"<label>Code <input type="text" name="user_code" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" required autofocus></label>"#
        body += #"<button type="submit">Continue</button></form>"#
        return page(title: "Connect a device", body: body, status: status)
    }

    /// After the decision: the device may continue (or was told no).
    static func deviceDone(client: String?, approved: Bool) -> OAuthResponse {
        let name = HTML.escape(client ?? "The device")
        let body =
            approved
            ? "<h1>Device connected</h1><p>\(name) may continue: you can return to your device now.</p>"
            : "<h1>Access denied</h1><p>\(name) was not given access. You can close this page.</p>"
        return page(title: approved ? "Device connected" : "Access denied", body: body, status: 200)
    }
}
