import Foundation

/// A successful token response (RFC 6749 §5.1; OpenID Connect Core §3.1.3.3): what the token
/// endpoint writes, and what a client of the API decodes instead of parsing JSON by hand:
///
/// ```swift
/// let tokens = try JSONDecoder().decode(TokenResponse.self, from: Data(response.body))
/// ```
public struct TokenResponse: Sendable, Hashable {
    public var accessToken: String
    /// `Bearer` (RFC 6750); compare case-insensitively (RFC 6749 §7.1).
    public var tokenType: String
    /// Seconds the access token lives; nil when it never expires.
    public var expiresIn: Int?
    /// The granted scopes (`scope`, RFC 6749 §3.3); Granted always sends them.
    public var scopes: ScopeSet
    public var refreshToken: String?
    /// The ID token of an OpenID Connect request, a compact JWS.
    public var idToken: String?

    public init(
        accessToken: String, tokenType: String = "Bearer", expiresIn: Int?, scopes: ScopeSet,
        refreshToken: String? = nil, idToken: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scopes = scopes
        self.refreshToken = refreshToken
        self.idToken = idToken
    }

    /// JSON written straight to bytes, with `Cache-Control: no-store` and `Pragma: no-cache`.
    var response: OAuthResponse {
        // The members' names and punctuation take under 100 bytes: one allocation for the body.
        var json = JSONWriter(
            capacity: 100 + accessToken.utf8.count + tokenType.utf8.count + (refreshToken?.utf8.count ?? 0)
                + (idToken?.utf8.count ?? 0) + 8 * scopes.count + 16)
        json.field("access_token", accessToken)
        json.field("token_type", tokenType)
        json.field("expires_in", expiresIn)
        json.field("scope", scopes.description)
        json.field("refresh_token", refreshToken)
        json.field("id_token", idToken)
        return .json(json.finish())
    }
}

extension TokenResponse: Decodable {
    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scopes = "scope"
        case refreshToken = "refresh_token"
        case idToken = "id_token"
    }

    /// Reads the members of §5.1; a missing `scope` is the empty set, unknown members are ignored.
    /// - Throws: `DecodingError` when `access_token` or `token_type` is missing or a member has
    ///   the wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            accessToken: try container.decode(String.self, forKey: .accessToken),
            tokenType: try container.decode(String.self, forKey: .tokenType),
            expiresIn: try container.decodeIfPresent(Int.self, forKey: .expiresIn),
            scopes: try container.decodeIfPresent(ScopeSet.self, forKey: .scopes) ?? .empty,
            refreshToken: try container.decodeIfPresent(String.self, forKey: .refreshToken),
            idToken: try container.decodeIfPresent(String.self, forKey: .idToken))
    }
}

extension TokenResponse {
    /// Seconds until `expiry`, rounded down so a client never holds a token longer than it lives.
    static func expiresIn(_ expiry: Date?, from now: Date) -> Int? {
        expiry.map { max(0, Int(($0.timeIntervalSince(now)).rounded(.down))) }
    }
}
