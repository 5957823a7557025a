import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The endpoints as a whole, from raw request bytes: every answer is a well-formed RFC success or
/// error; a refused request changes nothing; nothing an input sends ends the sentinel token.
enum EndpointChecks {
    static func token(_ bytes: [UInt8]) async throws {
        let fuzz = FuzzServer.shared
        let before = fuzz.store.accessTokenCount
        let response = await fuzz.server.token(FuzzServer.request(from: bytes, path: "/token"))
        if response.status == 200 {
            let body = try jsonObject(response)
            try require(body["access_token"] is String, "200 without access_token")
            try require(body["token_type"] as? String == "Bearer", "200 without token_type Bearer")
        } else {
            try requireWellFormedError(response)
            try require(fuzz.store.accessTokenCount == before, "a refused token request stored a token")
        }
        try require(await fuzz.sentinelIsLive(), "the sentinel token stopped working")
    }

    static func authorize(_ bytes: [UInt8]) async throws {
        let fuzz = FuzzServer.shared
        let useForm = bytes.first.map { $0 & 1 == 1 } ?? false
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let request =
            useForm
            ? OAuthRequest.form("/authorize", text)
            : OAuthRequest(method: .get, path: "/authorize", query: text)
        switch await fuzz.server.validate(request) {
        case .valid(let validated):
            try require(
                validated.client.redirectURIs.contains(validated.redirectURI)
                    || validated.redirectURI.wholeMatch(of: Self.loopbackAnyPort) != nil,
                "unregistered redirect URI")
            try require(validated.scopes.isSubset(of: fuzz.server.policy.knownScopes), "unknown scope accepted")
        case .redirect(let response, _):
            try require(response.status == 303 || response.status == 200, "redirect status \(response.status)")
            if response.status == 303 {
                let location = response.headers["location"] ?? ""
                try require(
                    Self.registered.contains { location.hasPrefix($0) }
                        || location.prefixMatch(of: Self.loopbackAnyPort) != nil,
                    "redirected to \(location.prefix(120))")
                try require(location.contains("error=") && location.contains("iss="), "error redirect without error or iss")
            }
        case .userFacing(_, let response):
            try require(response.status == 400, "user-facing error with status \(response.status)")
            try require(response.headers["location"] == nil, "a user-facing error redirected")
        }
    }

    static let registered = ["https://web.example/cb", "http://127.0.0.1:8765/cb", "https://spa.example/cb"]
    /// The registered loopback URI with any port, or none (RFC 8252 §7.3).
    static var loopbackAnyPort: Regex<(Substring, Substring?)> { /http:\/\/127\.0\.0\.1(:[0-9]{1,5})?\/cb/ }

    static func revoke(_ bytes: [UInt8]) async throws {
        let fuzz = FuzzServer.shared
        let before = fuzz.store.accessTokenCount
        let response = await fuzz.server.revoke(FuzzServer.request(from: bytes, path: "/revoke"))
        if response.status != 200 { try requireWellFormedError(response) }
        try require(fuzz.store.accessTokenCount == before, "revocation changed the number of tokens")
        try require(await fuzz.sentinelIsLive(), "the sentinel token was revoked")
    }

    static func introspect(_ bytes: [UInt8]) async throws {
        let fuzz = FuzzServer.shared
        let response = await fuzz.server.introspect(FuzzServer.request(from: bytes, path: "/introspect"))
        if response.status == 200 {
            let body = try jsonObject(response)
            // RFC 7662 §2.2: nothing an input can name is active, and inactive means nothing more.
            try require(body["active"] as? Bool == false && body.count == 1, "introspection answered \(response.bodyText)")
        } else {
            try requireWellFormedError(response)
        }
    }
}
