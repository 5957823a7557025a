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
        // Byte-level checks: Foundation's `contains` on strings goes through CFStringFind.
        guard !uri.utf8.contains(UInt8(ascii: "#")), let colon = uri.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            return false
        }
        let scheme = uri.utf8[..<colon]
        guard !scheme.isEmpty else { return false }
        guard ASCII.caseInsensitiveEquals(scheme, "http".utf8) else { return true }
        return policy.allowsInsecureRedirectURIs || isLoopback(uri)
    }

    /// A loopback IP literal or `localhost` (RFC 8252 §7.3, §8.3), with no user information
    /// that could make `http://127.0.0.1@evil.example` look like one.
    static func isLoopback(_ uri: String) -> Bool {
        guard let start = uri.range(of: "://")?.upperBound else { return false }
        let authority = uri[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return false }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.index(after: authority.startIndex)..<close]
            return host == "::1"
        }
        host = authority.prefix { $0 != ":" }
        if host.lowercased() == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.first == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber)
                && (Int(octet) ?? 256) <= 255
        }
    }
}
