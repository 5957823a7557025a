import Foundation

/// Encodes an authorization response into the client's redirect URI (RFC 6749 §4.1.2, §4.2.2;
/// OAuth 2.0 Multiple Response Types §2.1; Form Post Response Mode §2).
enum AuthorizationResponse {
    /// A 303 redirect (RFC 9700 §4.12) in query or fragment mode, or an auto-submitting form
    /// (form_post). Every response carries `iss` (RFC 9207 §2).
    static func redirect(
        to redirectURI: String, mode: ResponseMode, parameters: [(String, String?)], issuer: String
    ) -> OAuthResponse {
        switch mode {
        case .query, .fragment:
            // Written once into one buffer: the URI, the separator, then the parameters and `iss`.
            var bytes = [UInt8]()
            bytes.reserveCapacity(redirectURI.utf8.count + issuer.utf8.count + 160)
            bytes.append(contentsOf: redirectURI.utf8)
            bytes.append(mode == .fragment ? UInt8(ascii: "#") : (redirectURI.utf8.contains(UInt8(ascii: "?")) ? UInt8(ascii: "&") : UInt8(ascii: "?")))
            FormEncoding.append(parameters + [("iss", issuer)], to: &bytes)
            let location = String(decoding: bytes, as: UTF8.self)
            return OAuthResponse(
                status: 303, headers: ["Location": location, "Cache-Control": "no-store"])
        case .formPost:
            let all = parameters + [("iss", issuer)]
            var html = "<!doctype html><html><head><title>Submit</title></head>"
            html += #"<body><form method="post" action=""#
            html += HTML.escape(redirectURI) + #"">"#
            for (name, value) in all {
                guard let value else { continue }
                html += #"<input type="hidden" name=""# + HTML.escape(name) + #"" value=""#
                html += HTML.escape(value) + #"">"#
            }
            html += #"<noscript><button type="submit">Continue</button></noscript></form>"#
            html += "<script>" + autoSubmit + "</script></body></html>"
            return OAuthResponse(
                status: 200,
                headers: [
                    "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                    "Pragma": "no-cache", "Content-Security-Policy": formPostContentSecurityPolicy,
                ],
                body: Array(html.utf8))
        }
    }
}

extension AuthorizationResponse {
    /// The form_post page's one script.
    static let autoSubmit = "document.forms[0].submit()"
    /// Only that script runs (its hash, CSP Level 3 §2.3.1): no other script, no `javascript:` URL
    /// as the form's target, no framing, no plug-ins, no base URL (outside review 7).
    static let formPostContentSecurityPolicy =
        "default-src 'none'; script-src 'sha256-" + Data(SHA256.hash(autoSubmit).bytes).base64EncodedString()
        + "'; base-uri 'none'; frame-ancestors 'none'"
}

/// Escapes text for HTML content and attribute values.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
