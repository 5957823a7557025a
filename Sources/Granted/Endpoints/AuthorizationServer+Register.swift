import Foundation

/// The client registration endpoint (RFC 7591 §3).
extension AuthorizationServer {
    /// Registers a client from its JSON metadata (§3.1) and answers 201 with its `client_id`, a
    /// `client_secret` when its method needs one, its registration access token and configuration
    /// URI (RFC 7592 §3) and the metadata as registered (§3.2.1). Who may register is
    /// `Policy.registration`.
    public func register(_ request: OAuthRequest) async -> OAuthResponse {
        guard request.method == .post else { return OAuthError.methodNotAllowed(allow: [.post]) }
        guard let registry = clientRegistry else { return OAuthError.registrationRefusedResponse }
        do throws(RegistrationFailure) {
            if case .initialAccessToken(let digests) = policy.registration {
                try Self.checkInitialAccessToken(request, among: digests)
            }
            let members = try jsonMembers(request)
            let metadata: ClientMetadata
            do {
                metadata = try ClientMetadata(members: members, policy: policy, support: registrationSupport)
            } catch { throw .oauth(error) }
            if case .decidedByHost(let decide) = policy.registration, await decide(metadata, request) == .deny {
                throw .refused
            }
            let issuedAt = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
            let accessToken = random.mintSecret(prefix: policy.registrationAccessTokenPrefix)
            // 128 random bits: a collision is never expected, and `insert` refuses one anyway.
            for _ in 0..<3 {
                let id = ClientID(Base64URL.encode(random.bytes(16)))
                // Derived, never stored, so that client_secret_jwt can check a MAC with it (RFC 7523
                // §2.2) and a later switch to that method keeps working: see `DerivedClientSecret`.
                let secret = metadata.needsSecret ? issueDerivedClientSecret(for: id) : nil
                let registration = RegisteredClient(
                    client: metadata.client(id: id, secretHash: secret?.stored),
                    metadata: metadata, issuedAt: issuedAt, accessTokenDigest: accessToken.digest)
                let inserted: Bool
                do { inserted = try await registry.insert(registration) } catch { throw .oauth(.serverError) }
                if inserted {
                    var response = OAuthResponse.json(
                        registrationDocument(registration, secret: secret?.secret, accessToken: accessToken.value),
                        status: 201)
                    response.headers.append("Location", registrationClientURI(id))
                    return response
                }
            }
            throw .oauth(.serverError)
        } catch {
            return error.response
        }
    }

    /// The writable client store, when registration is open to someone.
    var clientRegistry: (any ClientRegistry)? {
        guard policy.registration.isOpenToSomeone else { return nil }
        if let registry = clients as? any ClientRegistry { return registry }
        // Clients known by metadata documents beside registered ones: register into the latter.
        return (clients as? MetadataDocumentClients)?.registered as? any ClientRegistry
    }

    /// `registration_client_uri` (RFC 7592 §3).
    func registrationClientURI(_ id: ClientID) -> String { issuer + paths.registration + "/" + id.rawValue }

    /// The client information response (RFC 7591 §3.2.1; RFC 7592 §3). `secret` and
    /// `accessToken` only when just issued: the store keeps their hashes alone.
    func registrationDocument(_ registration: RegisteredClient, secret: String?, accessToken: String?) -> [UInt8] {
        var json = JSONWriter(capacity: 1024)
        json.field("client_id", registration.id.rawValue)
        json.field("client_secret", secret)
        json.field("client_id_issued_at", Int(registration.issuedAt.timeIntervalSince1970))
        if registration.metadata.needsSecret { json.field("client_secret_expires_at", 0) }
        json.field("registration_access_token", accessToken)
        json.field("registration_client_uri", registrationClientURI(registration.id))
        registration.metadata.write(to: &json)
        return json.finish()
    }

    /// RFC 7591 §3: the request carries one of the host's initial access tokens as a Bearer token
    /// (RFC 6750 §2.1), compared by digest against each in constant time.
    static func checkInitialAccessToken(_ request: OAuthRequest, among digests: [Digest256]) throws(RegistrationFailure) {
        let digest = try bearerDigest(request)
        var matched = false
        for candidate in digests where candidate.constantTimeEquals(digest) { matched = true }
        guard matched else { throw .unauthorized(.invalidToken) }
    }

    /// The SHA-256 of the request's one `Authorization: Bearer` token.
    /// - Throws: `unauthorized(nil)` without one (a bare challenge, RFC 6750 §3.1).
    static func bearerDigest(_ request: OAuthRequest) throws(RegistrationFailure) -> Digest256 {
        guard request.headers.count(of: "authorization") == 1, let header = request.headers["authorization"],
            ResourceGuard.isBearer(header)
        else { throw .unauthorized(nil) }
        guard let token = try? ResourceGuard.bearerToken(header) else { throw .unauthorized(.invalidToken) }
        return Digest256(hashing: token)
    }

    /// The JSON object a registration or update carries, within the input limits.
    func jsonMembers(_ request: OAuthRequest) throws(RegistrationFailure) -> JSONMembers {
        guard request.body.count <= policy.inputLimits.maxBytes else { throw .tooLarge }
        guard request.hasJSONBody else { throw .oauth(.invalidRequest("the body must be application/json")) }
        do { return try ClientMetadata.members(of: request.body) } catch { throw .oauth(error) }
    }
}

/// Why a registration or configuration request fails, each answered its own way.
enum RegistrationFailure: Error {
    /// A JSON error body (RFC 7591 §3.2.2).
    case oauth(OAuthError)
    /// A missing (nil) or bad registration or initial access token: 401 with a Bearer challenge.
    case unauthorized(OAuthError?)
    /// The host's policy said no: 403.
    case refused
    /// 413 (RFC 9110 §15.5.14).
    case tooLarge

    var response: OAuthResponse {
        switch self {
        case .oauth(let error): OAuthError.registrationResponse(error, bearer: false)
        case .unauthorized(let error): OAuthError.registrationResponse(error, bearer: true)
        case .refused: OAuthError.registrationRefusedResponse
        case .tooLarge: OAuthError.contentTooLargeResponse
        }
    }
}

extension OAuthRequest {
    /// Whether the body is declared `application/json` (parameters such as charset allowed).
    var hasJSONBody: Bool {
        guard let type = headers["content-type"] else { return false }
        var media = Substring(type).utf8.prefix { $0 != UInt8(ascii: ";") }
        while media.last == 0x20 || media.last == 0x09 { media = media.dropLast() }
        while media.first == 0x20 || media.first == 0x09 { media = media.dropFirst() }
        return ASCII.caseInsensitiveEquals(media, "application/json".utf8)
    }
}
