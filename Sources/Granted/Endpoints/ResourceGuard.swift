import Foundation

/// Who a verified request acts for, as a protected resource sees it.
public struct AccessGrant: Sendable, Hashable {
    /// What was presented; each kind carries what only it has.
    public enum Credential: Sendable, Hashable {
        /// An OAuth access token (RFC 6750 §2.1) issued to `client` for `scopes`; nil `expiresAt`:
        /// it never expires.
        case accessToken(client: ClientID, scopes: ScopeSet, expiresAt: Date?)
        /// A per-user API key: the user with all of their access, until revoked.
        case apiKey(APIKeyID)
    }
    /// The user, or nil for an app-only token (client credentials).
    public let subject: Subject?
    public let credential: Credential
    /// The key a DPoP-bound access token is bound to (RFC 9449 §6), which the request's proof
    /// showed; nil for a bearer token or an API key.
    public var keyThumbprint: String? = nil

    /// The client an access token was issued to; nil for an API key.
    public var client: ClientID? {
        if case .accessToken(let client, _, _) = credential { client } else { nil }
    }
    /// An access token's scopes; nil for an API key (all of the user's access).
    public var scopes: ScopeSet? {
        if case .accessToken(_, let scopes, _) = credential { scopes } else { nil }
    }
    /// When an access token stops working; nil for an API key or a token that never expires.
    public var expiresAt: Date? {
        if case .accessToken(_, _, let expiresAt) = credential { expiresAt } else { nil }
    }
}

/// Guards a protected resource (RFC 6750): verifies `Authorization: Bearer` (never a token in
/// the query, RFC 9700 §4.3.2) or the host's API-key header against the scopes it requires.
public struct ResourceGuard: Sendable {
    public enum Decision: Sendable {
        case allowed(AccessGrant)
        /// The response to send as is: 400, 401 or 403 with its `WWW-Authenticate` challenge.
        case denied(OAuthResponse, OAuthError?)
    }

    /// Where the tokens and API keys it checks are kept: the issuer's store, shared. Nil for a
    /// resource server that checks JWT access tokens offline only (`jwtVerifier`).
    public let store: (any GrantStore)?
    public let clock: any WallClock
    /// Bounds on a form body carrying the token (RFC 6750 §2.2).
    public let limits: InputLimits
    /// The header that carries a per-user API key, e.g. `X-API-Key`; nil: API keys are off.
    public var apiKeyHeader: String?
    /// The `realm` of the challenges (RFC 6750 §3); nil leaves it out, as an MCP server's
    /// `Bearer resource_metadata="…"` challenge does.
    public var realm: String?

    /// Also accept `access_token` in a form-encoded POST body (RFC 6750 §2.2), as OpenID Connect
    /// userinfo must; never in the query.
    public var acceptsFormBodyToken: Bool

    /// The resource this guard protects, described (RFC 9728). With it, a token whose audience
    /// lacks `metadata.resource` is refused (RFC 8707 §2; RFC 9068 §4 step 4), and every 401
    /// and 403 challenge names `resource_metadata` (RFC 9728 §5.1). Nil: any audience passes
    /// (a server without a resource registry).
    ///
    /// API keys carry no audience: they are the user's own access, accepted by exactly the
    /// guards the host gives an `apiKeyHeader`.
    public var metadata: ProtectedResourceMetadata?

    /// Checks JWT access tokens (RFC 9068) offline; a token it cannot read as a JWS is looked up
    /// in `store`, when there is one. A token it verifies is not looked up: its revocation is
    /// seen when it expires.
    public var jwtVerifier: JWTAccessToken.Verifier?

    /// The scopes a 401 challenge names (RFC 6750 §3 `scope`), joined by those the request needs:
    /// what a client that knows nothing yet should ask for first. An MCP client takes its scopes
    /// from this attribute before `scopes_supported`, and steps up on a 403 for the rest. Empty
    /// (the default) leaves the attribute out.
    public var challengeScope: ScopeSet = .empty

    /// Accepts `Authorization: DPoP` with a `DPoP` proof (RFC 9449 §7) beside `Bearer`; every
    /// 401 then carries a `DPoP` challenge too (§7.1). Nil: DPoP-bound tokens are refused.
    public var dpop: DPoPVerifier?
    /// The scheme, host and port clients reach this resource at (`https://api.example.com`):
    /// a proof's `htu` must be it followed by the request's path (§4.3 step 9). Nil: taken from
    /// `metadata.resource`.
    public var origin: String?
    /// Refuse bearer tokens (`Authorization: Bearer`, a form body token): only DPoP-bound
    /// tokens with their proofs pass (RFC 9449 §7.2), listed as `dpop_bound_access_tokens_required`
    /// (RFC 9728 §2); its refusals challenge with `DPoP` alone (§7.1). Ignored while `dpop` is nil.
    public var requiresDPoP = false

    /// A guard that stands alone: a resource server needs the grant store it shares with the
    /// authorization server, a clock and input limits, not an issuer.
    public init(
        store: (any GrantStore)?, clock: any WallClock = SystemClock(), limits: InputLimits = InputLimits(),
        apiKeyHeader: String? = nil, realm: String? = "api", acceptsFormBodyToken: Bool = false,
        metadata: ProtectedResourceMetadata? = nil, jwtVerifier: JWTAccessToken.Verifier? = nil
    ) {
        self.store = store
        self.clock = clock
        self.limits = limits
        self.apiKeyHeader = apiKeyHeader
        self.realm = realm
        self.acceptsFormBodyToken = acceptsFormBodyToken
        self.jwtVerifier = jwtVerifier
        self.metadata = metadata
    }

    /// The answer to `GET` at `metadata.path` (RFC 9728 §3.2), with `bearer_methods_supported`
    /// as this guard accepts tokens; nil without metadata.
    public var metadataResponse: OAuthResponse? {
        guard var document = metadata else { return nil }
        document.bearerMethodsSupported = bearerMethods
        // RFC 9728 §2: the DPoP members, as this guard accepts proofs.
        document.dpopSigningAlgorithms = dpop?.algorithms
        document.dpopBoundAccessTokensRequired = dpop != nil && requiresDPoP
        return document.response
    }

    /// RFC 6750 §2.1 always, §2.2 when the form body is accepted; never the query (§2.3).
    private var bearerMethods: [String] { acceptsFormBodyToken ? ["header", "body"] : ["header"] }

    /// The challenge parameters every 401 and 403 of this guard carries; a 401 names the scopes
    /// `required` by this request beside `challengeScope`.
    private func challenge(requiring required: ScopeSet) -> OAuthError.Challenge {
        OAuthError.Challenge(
            realm: realm, resourceMetadata: metadata?.url,
            scope: challengeScope.isEmpty ? .empty : challengeScope.union(required))
    }

    /// Verifies the request's credential and that it carries every scope in `required`.
    /// - Parameter requiresUser: refuse app-only tokens (client credentials), for a resource that
    ///   is about a user: 403 `insufficient_scope`, since no token of the app's own can do.
    public func check(
        _ request: OAuthRequest, requiring required: ScopeSet, requiresUser: Bool = false
    ) async -> Decision {
        do {
            let grant = try await verify(request, requiring: required)
            if requiresUser && grant.subject == nil {
                let error = OAuthError.insufficientScope(required: required)
                return .denied(challengeResponse(error, onDPoP: grant.keyThumbprint != nil, requiring: required), error)
            }
            return .allowed(grant)
        } catch {
            switch error {
            case .anonymous:
                return .denied(challengeResponse(nil, onDPoP: false, requiring: required), nil)
            case .refused(let error):
                return .denied(challengeResponse(error, onDPoP: false, requiring: required), error)
            case .refusedDPoP(let error):
                return .denied(challengeResponse(error, onDPoP: true, requiring: required), error)
            }
        }
    }

    /// The refusal: a `Bearer` challenge, and with DPoP on a `DPoP` one beside it (RFC 9449
    /// §7.1, §7.2); the error goes on the scheme the request used.
    private func challengeResponse(_ error: OAuthError?, onDPoP: Bool, requiring required: ScopeSet) -> OAuthResponse {
        let parameters = challenge(requiring: required)
        guard let dpop else { return OAuthError.bearerChallengeResponse(error, parameters) }
        // RFC 9449 §7.1, §7.2: a resource that takes only DPoP-bound tokens challenges with
        // `DPoP` alone; a `Bearer` challenge would invite a credential it refuses.
        if requiresDPoP {
            return OAuthError.challengeResponse(scheme: "DPoP", error, parameters, algorithms: dpop.algorithms)
        }
        return OAuthError.resourceChallengeResponse(
            error, parameters, dpopAlgorithms: dpop.algorithms, errorOnDPoP: onDPoP)
    }

    /// Why a request was not let through: no credential at all (§3.1: no error code), or an
    /// error of the `Bearer` or the `DPoP` scheme.
    enum Refusal: Error {
        case anonymous
        case refused(OAuthError)
        case refusedDPoP(OAuthError)
    }

    private func verify(_ request: OAuthRequest, requiring required: ScopeSet) async throws(Refusal) -> AccessGrant {
        let (authorizations, authorization) = request.headers.occurrences(of: "authorization")
        let keys = apiKeyHeader.map { request.headers.count(of: $0) } ?? 0
        if Self.queryCarriesToken(request.query) {
            throw .refused(.invalidRequest("access tokens are not accepted in the query"))
        }
        var bodyToken: String?
        if acceptsFormBodyToken, request.method == .post, request.hasFormBody {
            do {
                bodyToken = try FormParameters(parsing: request.body, limits: limits)
                    .single("access_token")
            } catch { throw .refused(error) }
        }
        guard authorizations + keys + (bodyToken == nil ? 0 : 1) <= 1 else {
            throw .refused(.invalidRequest("more than one credential was sent"))
        }
        let now = clock.now
        if keys == 1, let name = apiKeyHeader, let key = request.headers[name] {
            return try await verifyAPIKey(key)
        }
        let grant: AccessGrant
        if let bodyToken {
            // RFC 9449 §7.2: a resource that requires DPoP takes no bearer token, bound or not.
            if requiresDPoP, dpop != nil { throw .refused(.invalidToken) }
            grant = try await self.grant(for: bodyToken, now: now)
        } else if let dpop, let header = authorization, Self.isDPoP(header) {
            return try await verifyDPoP(request, header: header, verifier: dpop, requiring: required, now: now)
        } else {
            guard let header = authorization, Self.isBearer(header) else {
                // RFC 6750 §3.1: no credentials, or a scheme it does not support, gets a bare challenge.
                throw .anonymous
            }
            let presented: PresentedToken
            do { presented = try Self.presentedBearerToken(header, readsJWTs: jwtVerifier != nil) } catch {
                throw .refused(error)
            }
            if requiresDPoP, dpop != nil { throw .refused(.invalidToken) }
            switch presented {
            case .jwt(let token): grant = try await self.grant(for: token, now: now)
            case .opaque(let digest): grant = try await lookUp(digest: digest, now: now)
            }
        }
        // RFC 9449 §7.2: a DPoP-bound token sent as a bearer token is refused.
        guard grant.keyThumbprint == nil else { throw .refused(.invalidToken) }
        // RFC 6750 §3.1: the scope needed; with what the token has, so one new authorization
        // (a step-up) gets a token that does both.
        let scopes = grant.scopes ?? .empty
        guard required.isSubset(of: scopes) else {
            throw .refused(.insufficientScope(required: required.union(scopes)))
        }
        return grant
    }

    /// The grant `token` carries: a JWT checked offline, or the store's record.
    func grant(for token: String, now: Date) async throws(Refusal) -> AccessGrant {
        if let jwtVerifier, token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            return try verifyJWT(token, with: jwtVerifier, now: now)
        }
        return try await lookUp(token, now: now)
    }

    /// The store's record of the token: live, and for this guard's resource (RFC 8707 §2).
    private func lookUp(_ token: String, now: Date) async throws(Refusal) -> AccessGrant {
        try await lookUp(digest: SHA256.hash(token), now: now)
    }

    /// The store's record of the token whose SHA-256 is `digest`.
    private func lookUp(digest: Digest256, now: Date) async throws(Refusal) -> AccessGrant {
        guard let store else { throw .refused(.invalidToken) }
        let record: AccessTokenRecord?
        do { record = try await store.accessToken(at: digest) } catch { throw .refused(.serverError) }
        guard let record, record.isActive(at: now) else { throw .refused(.invalidToken) }
        if let resource = metadata?.resource, !record.token.audience.contains(resource) {
            throw .refused(.invalidToken)
        }
        return AccessGrant(
            subject: record.token.subject,
            credential: .accessToken(
                client: record.token.client, scopes: record.token.scopes, expiresAt: record.token.expiresAt),
            keyThumbprint: record.token.keyThumbprint)
    }

    /// A JWT access token checked offline (RFC 9068 §4). An app-only token's `sub` is its client
    /// (§2.2) and it has no `auth_time`: it acts for no user.
    private func verifyJWT(
        _ token: String, with verifier: JWTAccessToken.Verifier, now: Date
    ) throws(Refusal) -> AccessGrant {
        let claims: JWTAccessToken.Claims
        do { claims = try verifier.verify(token, now: now) } catch { throw .refused(.invalidToken) }
        let appOnly = claims.authTime == nil && claims.subject == claims.client.rawValue
        return AccessGrant(
            subject: appOnly ? nil : Subject(claims.subject),
            credential: .accessToken(client: claims.client, scopes: claims.scopes, expiresAt: claims.expiresAt),
            keyThumbprint: claims.keyThumbprint)
    }

    private func verifyAPIKey(_ value: String) async throws(Refusal) -> AccessGrant {
        guard let store else { throw .refused(.invalidToken) }
        let key: APIKey?
        do { key = try await store.apiKey(at: SHA256.hash(value)) } catch { throw .refused(.serverError) }
        guard let key, key.isActive else { throw .refused(.invalidToken) }
        return AccessGrant(subject: key.subject, credential: .apiKey(key.id))
    }

    /// Whether the header uses the Bearer scheme (case-insensitive, RFC 9110 §11.1).
    static func isBearer(_ header: String) -> Bool { scheme(of: header, is: "bearer") }

    /// Whether the header's scheme, up to the first space, is `name` (RFC 9110 §11.1:
    /// case-insensitive); read over the header's bytes.
    static func scheme(of header: String, is name: StaticString) -> Bool {
        var header = header
        return header.withUTF8 { bytes in
            let end = bytes.firstIndex(of: 0x20) ?? bytes.count
            return ASCII.caseInsensitiveEquals(UnsafeBufferPointer(rebasing: bytes[..<end]), name)
        }
    }

    /// The token of `Bearer <b64token>` (RFC 6750 §2.1), or of `DPoP <b64token>` (RFC 9449 §7.1)
    /// with `scheme` `dpop`; the scheme is case-insensitive (RFC 9110 §11.1).
    /// - Throws: `invalidRequest` for another scheme or a malformed token.
    static func bearerToken(_ header: String, scheme: String = "bearer") throws(OAuthError) -> String {
        var header = header
        let token: Result<String, OAuthError> = header.withUTF8 { bytes in
            Result { () throws(OAuthError) in
                let range = try bearerTokenRange(bytes, scheme: scheme)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
        }
        return try token.get()
    }

    /// Where the token of `<scheme> <b64token>` lies in the header's bytes, checked over the bytes
    /// once: `<scheme>` case-insensitive, one or more spaces, then
    /// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` to the end
    /// (RFC 6750 §2.1). Walking `Character`s here cost a quarter of a bearer check.
    /// - Throws: `invalidRequest` for another scheme or a malformed token.
    static func bearerTokenRange(_ bytes: UnsafeBufferPointer<UInt8>, scheme: String) throws(OAuthError) -> Range<Int> {
        var scheme = scheme
        let schemeMatches = scheme.withUTF8 { name in
            bytes.count > name.count && bytes[name.count] == 0x20
                && ASCII.caseInsensitiveEquals(UnsafeBufferPointer(rebasing: bytes[..<name.count]), name)
        }
        guard schemeMatches else { throw .invalidRequest("the bearer token is missing") }
        var start = scheme.utf8.count + 1
        while start < bytes.count && bytes[start] == 0x20 { start += 1 }
        // At least one token character, and padding only at the end.
        guard start < bytes.count, bytes[start] != UInt8(ascii: "=") else {
            throw .invalidRequest("the bearer token is malformed")
        }
        var index = start
        while index < bytes.count && isB64TokenCharacter(bytes[index]) { index += 1 }
        while index < bytes.count && bytes[index] == UInt8(ascii: "=") { index += 1 }
        guard index == bytes.count else { throw .invalidRequest("the bearer token is malformed") }
        return start..<bytes.count
    }

    /// A bearer token as the guard needs it: the text, for a verifier of JWTs, or only the
    /// SHA-256 of an opaque one, hashed straight from the header's bytes.
    enum PresentedToken {
        case jwt(String)
        case opaque(Digest256)
    }

    /// The token of `Authorization: Bearer` (RFC 6750 §2.1): a JWS (two dots) is kept as text when
    /// the guard `readsJWTs`; any other token is only ever hashed, so no `String` is made for it.
    /// - Throws: `invalidRequest` as `bearerToken` does.
    static func presentedBearerToken(_ header: String, readsJWTs: Bool) throws(OAuthError) -> PresentedToken {
        var header = header
        let presented: Result<PresentedToken, OAuthError> = header.withUTF8 { bytes in
            Result { () throws(OAuthError) in
                let token = UnsafeBufferPointer(rebasing: bytes[try bearerTokenRange(bytes, scheme: "bearer")])
                if readsJWTs, token.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
                    return .jwt(String(decoding: token, as: UTF8.self))
                }
                return .opaque(SHA256.hash(UnsafeRawBufferPointer(token)))
            }
        }
        return try presented.get()
    }

    /// `b64token` characters (RFC 6750 §2.1: ALPHA, DIGIT, `-._~+/`) as a 128-bit set, bit
    /// `c` for ASCII `c`: one shift and test per byte of a token, not a chain of range checks.
    @inline(__always) private static func isB64TokenCharacter(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_E800_0000_0000  // + - . / 0-9
        let high: UInt64 = 0x47FF_FFFE_87FF_FFFE  // A-Z _ a-z ~
        switch byte {
        case 0..<64: return (low >> UInt64(byte)) & 1 == 1
        case 64..<128: return (high >> UInt64(byte - 64)) & 1 == 1
        default: return false
        }
    }

    /// RFC 9700 §4.3.2: a token in the query is refused, however its name is encoded. A query
    /// that does not parse cannot be checked, so it is refused too.
    private static func queryCarriesToken(_ query: String?) -> Bool {
        guard let query, !query.isEmpty else { return false }
        return (try? FormParameters(query: query).contains("access_token")) ?? true
    }
}

extension AuthorizationServer {
    /// A guard for this server's tokens (and API keys, when a header is named), and for
    /// DPoP-bound ones when the server has a `PublicKeyVerification` (RFC 9449 §7).
    /// - Parameter resource: the registered resource it guards (RFC 8707): tokens for other
    ///   audiences are refused, and the guard describes it (RFC 9728) with this server as its
    ///   authorization server and the resource's scopes (or every known scope).
    public func resourceGuard(
        apiKeyHeader: String? = nil, realm: String? = "api", acceptsFormBodyToken: Bool = false,
        resource: ResourceIdentifier? = nil
    ) -> ResourceGuard {
        let metadata = resource.map { identifier in
            ProtectedResourceMetadata(
                resource: identifier, authorizationServers: [issuer],
                scopesSupported: policy.resources[identifier]?.scopes ?? policy.knownScopes)
        }
        var resourceGuard = ResourceGuard(
            store: store, clock: clock, limits: policy.inputLimits, apiKeyHeader: apiKeyHeader, realm: realm,
            acceptsFormBodyToken: acceptsFormBodyToken, metadata: metadata)
        // RFC 9449 §7: with DPoP on, DPoP-bound tokens are accepted with their proofs; a guard
        // without a resource is reached where the issuer is.
        resourceGuard.dpop = dpopVerifier
        if resource == nil { resourceGuard.origin = ResourceGuard.origin(of: issuer) }
        return resourceGuard
    }
}
