import Foundation

/// A successful token response (RFC 6749 §5.1; OpenID Connect Core §3.1.3.3).
struct TokenResponse: Sendable {
    var accessToken: String
    var expiresIn: Int?
    var scopes: ScopeSet
    var refreshToken: String?
    var idToken: String?

    /// JSON written straight to bytes, with `Cache-Control: no-store` and `Pragma: no-cache`.
    var response: OAuthResponse {
        var json = JSONWriter(capacity: 160 + (idToken?.utf8.count ?? 0))
        json.field("access_token", accessToken)
        json.field("token_type", "Bearer")
        json.field("expires_in", expiresIn)
        json.field("scope", scopes.description)
        json.field("refresh_token", refreshToken)
        json.field("id_token", idToken)
        return .json(json.finish())
    }
}

extension TokenResponse {
    /// Seconds until `expiry`, rounded down so a client never holds a token longer than it lives.
    static func expiresIn(_ expiry: Date?, from now: Date) -> Int? {
        expiry.map { max(0, Int(($0.timeIntervalSince(now)).rounded(.down))) }
    }
}
