import Foundation

/// The introspection endpoint (RFC 7662).
extension AuthorizationServer {
    /// Tells an authorized caller whether a token is active and, if so, what it carries (§2.2).
    /// Anything not active is `{"active":false}` and nothing more.
    public func introspect(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        do throws(OAuthError) {
            let (form, client) = try await authenticatedForm(request)
            guard policy.introspectionAccess.permits(client) else {
                throw .invalidClient(basicChallenge: request.headers["authorization"] != nil)
            }
            guard let token = try form.single("token") else { throw .invalidRequest("token is required") }
            let hint = try form.single("token_type_hint").map(TokenTypeHint.init(rawValue:))
            let now = clock.now
            let found = try await findToken(token, hint: hint)
            return .json(try await introspection(of: found, now: now, caller: client))
        } catch {
            return error.tokenEndpointResponse
        }
    }

    /// The response for `found` as `caller` may see it: a token the introspection access keeps
    /// from it is `{"active":false}`, like an unknown one (RFC 7662 §4).
    private func introspection(of found: FoundToken?, now: Date, caller: Client) async throws(OAuthError) -> [UInt8] {
        var json = JSONWriter()
        let access = policy.introspectionAccess
        switch found {
        case .access(let record, _)?
        where record.isActive(at: now) && access.reveals(.accessToken, issuedTo: record.token.client, to: caller):
            let token = record.token
            json.field("active", true)
            json.field("scope", token.scopes.description)
            json.field("client_id", token.client.rawValue)
            json.field("username", try await username(of: token.subject))
            // RFC 9449 §6.2: a bound token is `DPoP` with `cnf.jkt` (RFC 7800 §3.1).
            json.field("token_type", token.keyThumbprint == nil ? "Bearer" : "DPoP")
            json.field("exp", token.expiresAt.map { Int($0.timeIntervalSince1970) })
            json.field("iat", Int(token.issuedAt.timeIntervalSince1970))
            json.field("sub", token.subject?.rawValue)
            Self.writeAudience(token.audience, orClient: token.client, to: &json)
            json.field("iss", issuer)
            if let jkt = token.keyThumbprint { json.field("cnf", rawJSON: JWTAccessToken.confirmationClaim(jkt).json) }
        case .refresh(let family, let authorization, let digest)?
        where family.current.map(digest.constantTimeEquals) == true
            && family.isActive(at: now, idleLifetime: policy.refreshTokenIdleLifetime)
            && authorization?.isActive == true
            && access.reveals(.refreshToken, issuedTo: family.client, to: caller):
            json.field("active", true)
            json.field("scope", family.scopes.description)
            json.field("client_id", family.client.rawValue)
            json.field("username", try await username(of: family.subject))
            json.field("token_type", "refresh_token")
            json.field("exp", family.expiresAt.map { Int($0.timeIntervalSince1970) })
            json.field("iat", Int(family.createdAt.timeIntervalSince1970))
            json.field("sub", family.subject.rawValue)
            Self.writeAudience(family.resources, orClient: family.client, to: &json)
            json.field("iss", issuer)
        case .apiKey(let key)? where key.isActive && access.reveals(.apiKey, issuedTo: nil, to: caller):
            json.field("active", true)
            json.field("username", try await username(of: key.subject))
            json.field("token_type", "api_key")
            json.field("iat", Int(key.createdAt.timeIntervalSince1970))
            json.field("sub", key.subject.rawValue)
            json.field("iss", issuer)
        default:
            json.field("active", false)
        }
        return json.finish()
    }

    private func username(of subject: Subject?) async throws(OAuthError) -> String? {
        guard let subject, let claims else { return nil }
        let found = try await seam { try await claims.claims(for: subject) }
        return found?["preferred_username"]?.stringValue
    }

    /// `aud` (RFC 7662 §2.2): the token's resources (RFC 8707), one string or an array; without
    /// a resource registry, the client it was issued to, as before resource indicators.
    private static func writeAudience(_ audience: Audience, orClient client: ClientID, to json: inout JSONWriter) {
        let values = audience.sortedValues
        switch values.count {
        case 0: json.field("aud", client.rawValue)
        case 1: json.field("aud", values[0])
        default: json.field("aud", values)
        }
    }
}
