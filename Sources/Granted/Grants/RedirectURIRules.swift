/// Which redirect URI an authorization request may use (RFC 6749 §3.1.2; RFC 9700 §2.1, §4.1.3).
enum RedirectURIRules {
    /// The registered URI the response goes to: the one given, matched by exact string
    /// comparison (but for a loopback IP literal's port, RFC 8252 §7.3), or the client's only one
    /// when none is given.
    /// - Throws: `invalidRequest` (shown to the user, never redirected, §4.1.2.1).
    static func resolve(_ given: String?, client: Client, policy: Policy) throws(OAuthError) -> String {
        let uri: String
        if let given {
            guard client.redirectURIs.contains(given) || client.redirectURIs.contains(where: { matchesLoopback($0, given) })
            else {
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

    /// Absolute, no fragment (§3.1.2), and a scheme of `kind(of:)`: `http` only on a loopback
    /// host (RFC 9700 §2.6, RFC 8252 §7.3) unless the policy allows insecure ones.
    static func isAcceptable(_ uri: String, policy: Policy) -> Bool {
        switch kind(of: uri) {
        case .https?, .privateUse?: true
        case .http?: policy.allowsInsecureRedirectURIs || isLoopback(uri)
        case nil: false
        }
    }

    /// The schemes a redirect URI may have (RFC 8252 §7.1, §7.3; RFC 9700 §4.1.3).
    enum Kind: Sendable, Hashable { case https, http, privateUse }

    /// `https://…`, `http://…`, or a private-use scheme with a dot (`com.example.app:/cb`,
    /// RFC 8252 §7.1), absolute and without a fragment; nil for everything else, `javascript:`,
    /// `data:`, `vbscript:` and `file:` among them, which a form_post `action` would run in the
    /// server's origin. Registration uses it too; whether `http` may be used is the policy's.
    static func kind(of uri: String) -> Kind? {
        // Byte-level checks: Foundation's `contains` on strings goes through CFStringFind.
        let bytes = uri.utf8
        guard !bytes.contains(UInt8(ascii: "#")), let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return nil
        }
        let scheme = bytes[..<colon]
        // RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard let first = scheme.first, isLetter(first),
            scheme.allSatisfy({ isLetter($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        let rest = bytes[bytes.index(after: colon)...]
        let hasAuthority = rest.starts(with: "//".utf8) && rest.dropFirst(2).first.map { $0 != UInt8(ascii: "/") } == true
        if ASCII.caseInsensitiveEquals(scheme, "https".utf8) { return hasAuthority ? .https : nil }
        if ASCII.caseInsensitiveEquals(scheme, "http".utf8) { return hasAuthority ? .http : nil }
        return scheme.contains(UInt8(ascii: ".")) ? .privateUse : nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

    /// RFC 8252 §7.3: a registered loopback IP literal URI matches a given one with any port, or
    /// none; the rest (scheme, host, path, query) exactly. Never for `localhost`, which a name
    /// resolver could send elsewhere (§8.3), nor for any other host.
    static func matchesLoopback(_ registered: String, _ given: String) -> Bool {
        guard let registered = withoutLoopbackPort(registered), let given = withoutLoopbackPort(given) else {
            return false
        }
        return registered == given
    }

    /// `http://127.x.y.z…` or `http://[::1]…` with its port (1 to 65535, if any) taken out; nil for
    /// any other URI, including one with user information or a malformed port.
    static func withoutLoopbackPort(_ uri: String) -> String? {
        let bytes = uri.utf8
        // Exactly `http://`: apart from the port, the match stays an exact string comparison.
        guard bytes.starts(with: "http://".utf8) else { return nil }
        let rest = uri.dropFirst(7)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<end]
        let host: Substring
        let port: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            port = authority[authority.index(after: close)...]
            guard host == "[::1]" else { return nil }
        } else {
            let colon = authority.firstIndex(of: ":") ?? authority.endIndex
            host = authority[..<colon]
            port = authority[colon...]
            guard isIPv4Loopback(host) else { return nil }
        }
        if !port.isEmpty {
            let digits = port.dropFirst()
            guard port.first == ":", (1...5).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(digits), (1...65535).contains(number)
            else { return nil }
        }
        return "http://" + host + rest[end...]
    }

    /// A loopback IP literal or `localhost` (RFC 8252 §7.3, §8.3), with no user information
    /// that could make `http://127.0.0.1@evil.example` look like one. Read over the UTF-8 bytes,
    /// as RFC 3986 §3.2 delimits the authority: by the bytes `/`, `?` and `#`.
    static func isLoopback(_ uri: String) -> Bool {
        var uri = uri
        return uri.withUTF8 { bytes in
            // After the first "://".
            var start = 0
            while start + 2 < bytes.count
                && !(bytes[start] == UInt8(ascii: ":") && bytes[start + 1] == UInt8(ascii: "/")
                    && bytes[start + 2] == UInt8(ascii: "/"))
            {
                start += 1
            }
            guard start + 2 < bytes.count else { return false }
            start += 3
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
                bytes[end] != UInt8(ascii: "#")
            {
                guard bytes[end] != UInt8(ascii: "@") else { return false }
                end += 1
            }
            let authority = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if authority.first == UInt8(ascii: "[") {
                guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return false }
                return authority[1..<close].elementsEqual("::1".utf8)
            }
            let host = UnsafeBufferPointer(rebasing: authority[..<(authority.firstIndex(of: UInt8(ascii: ":")) ?? authority.count)])
            return ASCII.caseInsensitiveEquals(host, "localhost") || isIPv4Loopback(host)
        }
    }

    static func isIPv4Loopback(_ host: Substring) -> Bool {
        var text = String(host)  // a dotted quad fits a small string: no allocation
        return text.withUTF8 { isIPv4Loopback($0) }
    }

    /// A dotted-quad literal in 127.0.0.0/8 (RFC 8252 §7.3): four runs of one to three ASCII
    /// digits, each at most 255, the first 127.
    static func isIPv4Loopback(_ host: UnsafeBufferPointer<UInt8>) -> Bool {
        var octets = 0
        var value = 0
        var digits = 0
        for index in 0...host.count {
            if index == host.count || host[index] == UInt8(ascii: ".") {
                guard digits > 0, value <= 255, octets < 4 else { return false }
                if octets == 0 && (value != 127 || digits != 3) { return false }
                octets += 1
                value = 0
                digits = 0
            } else {
                let byte = host[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else { return false }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            }
        }
        return octets == 4
    }
}
