import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// Sign-out's inputs: the end-session request (OpenID Connect RP-Initiated Logout 1.0 §2), as a
/// query or a form, and a logout token a relying party receives (Back-Channel Logout 1.0 §2.6).
/// The first byte picks which; the rest is the input.
enum LogoutChecks {
    /// The fuzz server's one registered `post_logout_redirect_uri` (client `web`).
    static let registered = "https://web.example/bye"

    static func check(_ bytes: [UInt8]) async throws {
        guard let first = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        // The host's session: none, or one a fuzzed hint's `sid` may name.
        let current: SessionID? = first & 0x80 == 0 ? nil : "fuzz-session"
        switch first % 3 {
        case 0: try await endSession(OAuthRequest(method: .get, path: "/logout", query: text), current)
        case 1: try await endSession(OAuthRequest.form("/logout", text), current)
        default: try logoutToken(text)
        }
    }

    /// Never an open redirect (§3): only a hint this server issued to `web`, with exactly its
    /// registered URI, is redirected, with `state` and nothing else appended.
    static func endSession(_ request: OAuthRequest, _ current: SessionID?) async throws {
        switch await FuzzServer.shared.server.endSession(request, currentSession: current) {
        case .signOutAndRedirect(let validated, let response):
            try require(validated.sessionID != nil && validated.sessionID == current, "signed out another session")
            try redirected(validated, response)
        case .signOut(let validated):
            try require(validated.hint != nil, "signOut without a verified hint")
            try require(validated.sessionID != nil && validated.sessionID == current, "signed out another session")
        case .confirm(let validated, let response):
            guard let response else { return }
            try require(validated.hint != nil, "a redirect after confirming without a verified hint")
            try redirected(validated, response)
        case .refuse(let error):
            try require(error.code == "invalid_request", "refused with \(error.code)")
        }
    }

    /// A redirect only for a verified hint of `web`, to its registered URI, with `state` (§3).
    private static func redirected(_ validated: EndSessionRequest, _ response: OAuthResponse) throws {
        let hint = try unwrap(validated.hint, "redirected without a verified hint")
        try require(hint.audience.contains("web") && validated.client == "web", "redirected for \(hint.audience)")
        try require(validated.postLogoutRedirectURI == registered, "redirected for an unregistered URI")
        try require(response.status == 303, "redirect status \(response.status)")
        let location = response.headers["location"] ?? ""
        try require(location == registered || location.hasPrefix(registered + "?state="), "redirected to \(location.prefix(120))")
        try require((validated.state == nil) == (location == registered), "state not echoed exactly when sent")
    }

    /// Nothing verifies without the key; what verifies is a logout token by every §2.6 step; and
    /// what Granted signs from any text validates back to the same claims.
    static func logoutToken(_ text: String) throws {
        guard let signer = try? HS256Signer(key: FuzzServer.signingKey, keyID: "k1") else {
            throw FuzzFailure("the fuzz key was refused")
        }
        let issuer = "https://as.example"
        if let accepted = try? LogoutToken.validate(
            text, issuer: issuer, clientID: "web", algorithm: .hs256, verifiers: [signer], now: FuzzServer.start)
        {
            let payload = try unwrap(JWS.verify(text, expecting: .hs256, verifiers: [signer]), "accepted without the key")
            let claims = try unwrap(JWTClaims(json: payload), "accepted claims that do not parse")
            try require(claims.nonce == nil, "accepted a nonce")
            try require(claims.extraClaims.contains { $0.name == "events" }, "accepted without events")
            try require(accepted.audience.contains("web") && accepted.issuer == issuer, "accepted another audience or issuer")
            try require(accepted.subject != nil || accepted.sessionID != nil, "accepted without sub and sid")
        }
        // Round trip: a token with the input as `sub`, `sid` and `jti`.
        let made = LogoutToken(
            issuer: issuer, audience: ["web"], issuedAt: FuzzServer.start, expiresAt: FuzzServer.start + 120,
            jwtID: text.isEmpty ? "j" : text, subject: Subject(text), sessionID: SessionID(String(text.prefix(64))))
        guard let signed = try? made.signed(with: signer) else { return }
        let back = try? LogoutToken.validate(
            signed, issuer: issuer, clientID: "web", algorithm: .hs256, verifiers: [signer], now: FuzzServer.start)
        try require(
            back?.subject == made.subject && back?.sessionID == made.sessionID && back?.jwtID == made.jwtID,
            "sign/validate round trip failed for \(text.prefix(80))")
    }

    private static func unwrap<T>(_ value: T?, _ message: @autoclosure () -> String) throws -> T {
        guard let value else { throw FuzzFailure(message()) }
        return value
    }
}
