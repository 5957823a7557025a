/// Which redirect URI an authorization request may use (RFC 6749 §3.1.2; RFC 9700 §2.1, §4.1.3).
enum RedirectURIRules {
    /// The registered URI the response goes to: the one given, matched by exact string
    /// comparison, or the client's only one when none is given.
    /// - Throws: `invalidRequest` (shown to the user, never redirected, §4.1.2.1).
    static func resolve(_ given: String?, client: Client, policy: Policy) throws(OAuthError) -> String {
        let uri: String
        if let given {
            guard client.redirectURIs.contains(given) else {
                throw .invalidRequest("redirect_uri is not registered for this client")
            }
            uri = given
        } else {
            guard client.redirectURIs.count == 1, let only = client.redirectURIs.first else {
                throw .invalidRequest("redirect_uri is required")
            }
            uri = only
        }
        guard isAcceptable(uri, policy: policy) else {
            throw .invalidRequest("the registered redirect_uri is not allowed")
        }
        return uri
    }

    /// Absolute, no fragment (§3.1.2), and https unless the host is loopback (RFC 9700 §2.6,
    /// RFC 8252 §7.3) or the policy allows insecure ones. Custom schemes (native apps) pass.
    static func isAcceptable(_ uri: String, policy: Policy) -> Bool {
        guard !uri.contains("#"), let colon = uri.firstIndex(of: ":") else { return false }
        let scheme = uri[..<colon].lowercased()
        guard !scheme.isEmpty else { return false }
        guard scheme == "http" else { return true }
        return policy.allowsInsecureRedirectURIs || isLoopback(uri)
    }

    static func isLoopback(_ uri: String) -> Bool {
        guard let start = uri.range(of: "://")?.upperBound else { return false }
        let authority = uri[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return host == "127.0.0.1" || host == "::1" || host.lowercased() == "localhost"
            || host.hasPrefix("127.")
    }
}
