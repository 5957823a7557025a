import Foundation
import Testing

@_spi(Benchmarks) @testable import Granted
import GrantedTesting

/// A client's DPoP key and the proofs it makes (RFC 9449 §4.2), built claim by claim so tests
/// can break any one. Signatures are `StandInKeyVerification`'s (see there: a stand-in, not crypto).
struct DPoPKey: Sendable {
    let jwk: JWK

    init(seed: UInt8) {
        jwk = JWK(.ec(curve: .p256, x: Array(repeating: seed, count: 32), y: Array(repeating: seed &+ 1, count: 32)))
    }

    var thumbprint: String { jwk.thumbprint }

    /// The parts of a proof, each overridable.
    struct Proof {
        var typ: String? = "dpop+jwt"
        var alg = "ES256"
        /// The `jwk` header as JSON; nil leaves it out.
        var headerJWK: String?
        var htm: String? = "POST"
        var htu: String? = DPoPFixture.tokenEndpoint
        var iat: Date? = DPoPFixture.start
        var jti: String? = UUID().uuidString
        var ath: String?
        var nonce: String?
        /// The key that signs; nil: the proof's own.
        var signer: JWK?
    }

    /// A compact proof of `parts`, `edit` applied first.
    func proof(_ edit: (inout Proof) -> Void = { _ in }) -> String {
        var parts = Proof(headerJWK: String(decoding: jwk.json, as: UTF8.self))
        edit(&parts)
        var header = "{"
        if let typ = parts.typ { header += #""typ":"\#(typ)","# }
        header += #""alg":"\#(parts.alg)""#
        if let key = parts.headerJWK { header += #","jwk":"# + key }
        header += "}"
        var claims = JSONWriter(capacity: 256)
        claims.field("htm", parts.htm)
        claims.field("htu", parts.htu)
        claims.field("iat", parts.iat.map { Int($0.timeIntervalSince1970) })
        claims.field("jti", parts.jti)
        claims.field("ath", parts.ath)
        claims.field("nonce", parts.nonce)
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(claims.finish())
        let material = StandInKeyVerification.publicMaterial(parts.signer ?? jwk) ?? []
        let signature = HMACSHA256(key: material).authenticationCode(for: Array(input.utf8)).bytes
        return input + "." + Base64URL.encode(signature)
    }

    /// A proof for a resource request with `token` (§7.1: `ath`).
    func resourceProof(
        _ token: String, method: String = "GET", uri: String = DPoPFixture.resourceURI, at time: Date = DPoPFixture.start,
        _ edit: (inout Proof) -> Void = { _ in }
    ) -> String {
        proof { parts in
            parts.htm = method
            parts.htu = uri
            parts.iat = time
            parts.ath = DPoPProof.accessTokenHash(of: token)
            edit(&parts)
        }
    }
}

/// A server with DPoP on (the stand-in verification), its clients and store.
struct DPoPFixture: Sendable {
    static let issuer = TestServer.issuer
    static let tokenEndpoint = issuer + "/token"
    static let resourceURI = issuer + "/api/me"
    static let start = TestServer.start
    static let service = TestServer.service
    /// Public: code and refresh grants.
    static let spa: ClientID = "dpop-spa"
    static let spaRedirect = "https://spa.example.com/callback"
    /// Confidential: code and refresh grants.
    static let web = BasicCredentials(clientID: "dpop-web", secret: "dpop-web-secret")
    static let webRedirect = "https://web.example.com/callback"
    static let pkce = PKCEPair(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let clock: ManualClock

    init(
        policy: Policy = Policy(), verification: (any PublicKeyVerification)? = StandInKeyVerification(),
        signingKeys: SigningKeys? = nil
    ) {
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(
                id: Self.service.clientID, authentication: .clientSecret(hasher.hash(Self.service.secret)),
                grantTypes: [.clientCredentials], allowedScopes: [.public, .profile]),
            Client(id: Self.spa, redirectURIs: [Self.spaRedirect], grantTypes: [.authorizationCode, .refreshToken]),
            Client(
                id: Self.web.clientID, authentication: .clientSecret(hasher.hash(Self.web.secret)),
                redirectURIs: [Self.webRedirect], grantTypes: [.authorizationCode, .refreshToken]),
        ])
        clock = ManualClock(Self.start)
        store = InMemoryGrantStore()
        server = AuthorizationServer(
            issuer: Self.issuer, policy: policy, clients: clients, store: store, clock: clock,
            signingKeys: signingKeys, serverKey: ServerKey(random: SeededRandom(seed: 9)),
            publicKeyVerification: verification)
    }

    /// `request` with a `DPoP` header per proof.
    static func with(_ proofs: [String], _ request: OAuthRequest) -> OAuthRequest {
        var request = request
        for proof in proofs { request.headers.append("DPoP", proof) }
        return request
    }

    /// Client credentials for `service`, with `proofs`.
    func clientCredentials(_ proofs: String...) async -> OAuthResponse {
        await server.token(Self.with(proofs, RequestBuilder.clientCredentials(as: .basic(Self.service))))
    }

    /// A code for `client` from the authorization endpoint, with `dpop_jkt` when given.
    func code(for client: ClientID, redirect: String, dpopJKT: String? = nil) async throws -> String {
        let parameters = RequestBuilder.codeRequestParameters(
            client: client, redirectURI: redirect, scope: "public", challenge: Self.pkce,
            extra: [("dpop_jkt", dpopJKT)])
        return try await server.authorizeCode(RequestBuilder.authorize(parameters), subject: "alice")
    }

    /// Exchanges `code` as `caller`, with `proofs`.
    func exchange(_ code: String, as caller: ClientAuth, redirect: String, _ proofs: String...) async -> OAuthResponse {
        await server.token(
            Self.with(proofs, RequestBuilder.authorizationCode(code, redirectURI: redirect, verifier: Self.pkce.verifier, as: caller)))
    }

    func refresh(_ token: String, as caller: ClientAuth, _ proofs: String...) async -> OAuthResponse {
        await server.token(Self.with(proofs, RequestBuilder.refreshToken(token, as: caller)))
    }

    /// The resource guard of this server (no resource: `htu` is the issuer's origin + path).
    var guard_: ResourceGuard { server.resourceGuard() }

    /// `GET /api/me` with `authorization` and `proofs`.
    func resource(_ authorization: String?, _ proofs: [String] = [], method: OAuthRequest.Method = .get) async
        -> ResourceGuard.Decision
    {
        var headers: HeaderFields = [:]
        if let authorization { headers.append("Authorization", authorization) }
        return await guard_.check(Self.with(proofs, OAuthRequest(method: method, path: "/api/me", headers: headers)), requiring: [])
    }
}

/// A server whose `tools` resource takes JWT access tokens (RFC 9068), signed with an HS256
/// test key, beside DPoP; and a resource server for `tools` that checks them offline.
extension DPoPFixture {
    static let tools: ResourceIdentifier = "https://tools.example.com/mcp"
    static let toolsPath = "/mcp"
    static let jwtSigner = try! HS256Signer(key: Array("granted-dpop-jwt-tests-key-0123456789".utf8), keyID: "dpop-jwt")

    static func jwtIssuing() -> DPoPFixture {
        var policy = Policy()
        policy.allowsSymmetricIDTokenSignatures = true
        policy.resources = ResourceRegistry([ProtectedResource(tools, scopes: [.public], tokenFormat: .jwt)], defaults: [])
        return DPoPFixture(policy: policy, signingKeys: try! SigningKeys(active: jwtSigner))
    }

    /// Client credentials for `service` with `resource=tools`, with `proofs`.
    func toolsToken(_ proofs: String...) async -> OAuthResponse {
        await server.token(
            Self.with(
                proofs,
                RequestBuilder.form(
                    "/token", [("grant_type", "client_credentials"), ("scope", "public"), ("resource", Self.tools.rawValue)],
                    as: .basic(Self.service))))
    }

    /// The resource server of `tools`: no store, JWTs verified offline (RFC 9068 §4), and this
    /// server's DPoP verifier for the proofs (RFC 9449 §7).
    var toolsGuard: ResourceGuard {
        var offline = ResourceGuard(
            store: nil, clock: clock, metadata: server.resourceGuard(resource: Self.tools).metadata,
            jwtVerifier: JWTAccessToken.Verifier(issuer: Self.issuer, resource: Self.tools, verifiers: [Self.jwtSigner]))
        offline.dpop = server.dpopVerifier
        return offline
    }

    /// `GET /mcp` at `tools` with `authorization` and `proofs`.
    func tools(_ authorization: String, _ proofs: [String] = []) async -> ResourceGuard.Decision {
        let request = OAuthRequest(method: .get, path: Self.toolsPath, headers: ["Authorization": authorization])
        return await toolsGuard.check(Self.with(proofs, request), requiring: [])
    }
}

extension ResourceGuard.Decision {
    var deniedError: OAuthError? { if case .denied(_, let error) = self { error } else { nil } }
}
