import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// An OpenID Provider for the OpenID Connect tests: issuer `https://op.example.com`, HS256 ID tokens
/// (`kid` k1), a directory of users, an in-memory store and a manual clock. Every step goes through
/// Granted's HTTP values as a browser, a host and a client would send them, and every ID token
/// any step obtains goes through `IDTokenValidator`.
struct OIDCProvider: Sendable {
    static let issuer = "https://op.example.com"
    static let keyID = "k1"
    /// 40 bytes: RFC 7518 §3.2 wants at least 32.
    static let key = Array("granted-oidc-tests-hs256-key-0123456789ab".utf8)

    // MARK: Users (the host's UUIDs are the subjects)

    static let alice = Subject("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed")
    static let bob = Subject("6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b")

    // MARK: Clients

    /// Confidential; code, implicit and refresh: every response type.
    static let rp = BasicCredentials(clientID: "rp", secret: "rp-secret")
    static let rpRedirect = "https://rp.example.com/callback"
    /// Confidential, registered like `rp`: the conformance suite's second client.
    static let rp2 = BasicCredentials(clientID: "rp2", secret: "rp2-secret")
    static let rp2Redirect = "https://rp2.example.com/callback"
    /// Confidential; code and refresh only, never tokens from the authorization endpoint.
    static let codeOnly = BasicCredentials(clientID: "code-only-rp", secret: "code-only-secret")
    static let codeOnlyRedirect = "https://code-only.example.com/callback"
    /// Public (`none`), code and refresh, PKCE required.
    static let native: ClientID = "native-rp"
    static let nativeRedirect = "com.example.rp:/oauth/callback"
    /// Public; the implicit grant only.
    static let spa: ClientID = "spa-rp"
    static let spaRedirect = "https://spa.example.com/callback"
    /// Public; the device authorization grant (RFC 8628) and refresh.
    static let device: ClientID = "device-rp"
    /// Confidential; client credentials only.
    static let service = BasicCredentials(clientID: "oidc-service", secret: "oidc-service-secret")

    static func clients() -> InMemoryClientStore {
        let hasher = SHA256SecretHasher()
        return InMemoryClientStore([
            Client(
                id: rp.clientID, authentication: .clientSecret(hasher.hash(rp.secret)), redirectURIs: [rpRedirect],
                grantTypes: [.authorizationCode, .implicit, .refreshToken]),
            Client(
                id: rp2.clientID, authentication: .clientSecret(hasher.hash(rp2.secret)), redirectURIs: [rp2Redirect],
                grantTypes: [.authorizationCode, .implicit, .refreshToken]),
            Client(
                id: codeOnly.clientID, authentication: .clientSecret(hasher.hash(codeOnly.secret)), redirectURIs: [codeOnlyRedirect],
                grantTypes: [.authorizationCode, .refreshToken]),
            Client(id: native, redirectURIs: [nativeRedirect], grantTypes: [.authorizationCode, .refreshToken]),
            Client(id: spa, redirectURIs: [spaRedirect], grantTypes: [.implicit]),
            Client(id: device, grantTypes: [.deviceCode, .refreshToken]),
            Client(id: service.clientID, authentication: .clientSecret(hasher.hash(service.secret)), grantTypes: [.clientCredentials]),
        ])
    }

    /// How a client authenticates at the token endpoint: HTTP Basic for the confidential ones.
    static func caller(for client: ClientID) -> CodeFlow.Caller {
        switch client {
        case rp.clientID: .basic(rp)
        case rp2.clientID: .basic(rp2)
        case codeOnly.clientID: .basic(codeOnly)
        default: .publicClient(client)
        }
    }

    static func redirectURI(of client: ClientID) -> String {
        switch client {
        case rp2.clientID: rp2Redirect
        case codeOnly.clientID: codeOnlyRedirect
        case native: nativeRedirect
        case spa: spaRedirect
        default: rpRedirect
        }
    }

    /// The HS256 key the provider signs with.
    static func signer(keyID: String? = OIDCProvider.keyID) throws -> HS256Signer {
        try HS256Signer(key: key, keyID: keyID)
    }

    /// Every response type of OpenID Connect Core §3 (and Multiple Response Types §3).
    static let responseTypes = [
        "code", "code id_token", "code token", "code id_token token", "id_token", "id_token token",
    ]
    /// The ones that return a code.
    static let codeResponseTypes = ["code", "code id_token", "code token", "code id_token token"]
    /// The ones that return an access token, from either endpoint: all but `id_token`.
    static let accessTokenResponseTypes = [
        "code", "code id_token", "code token", "code id_token token", "id_token token",
    ]
    /// The ones that return an ID token from the authorization endpoint (nonce required).
    static let idTokenResponseTypes = ["code id_token", "code id_token token", "id_token", "id_token token"]

    // MARK: The provider

    /// Which keys sign ID tokens.
    enum Keys: Sendable {
        case hs256
        /// No signing keys: OpenID Connect is off.
        case off
        case custom(SigningKeys)
    }

    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let clock: ManualClock
    /// The HS256 key that signs, when the active key is one (`k1` unless `keys` says otherwise).
    let signer: HS256Signer
    /// What a client verifies ID tokens with: the active key's algorithm, kid and verifiers.
    let algorithm: JWSAlgorithm
    let activeKeyID: String?
    let verifiers: [any SignatureVerifier]

    init(policy: Policy = Policy(), keys: Keys = .hs256, start: Date = TestServer.start) throws {
        let standard = try Self.signer()
        clock = ManualClock(start)
        store = InMemoryGrantStore()
        let signingKeys: SigningKeys? =
            switch keys {
            case .hs256: try SigningKeys(active: standard)
            case .off: nil
            case .custom(let keys): keys
            }
        signer = signingKeys?.active as? HS256Signer ?? standard
        algorithm = signingKeys?.active.algorithm ?? .hs256
        activeKeyID = signingKeys?.active.keyID ?? Self.keyID
        verifiers =
            signingKeys?.verifiers ?? [standard]
        // These tests sign with HS256 (the MAC checks in `IDTokenValidator`), an explicit opt-in
        // (OpenID Connect Core §10.1).
        var policy = policy
        policy.allowsSymmetricIDTokenSignatures = true
        server = AuthorizationServer(
            issuer: Self.issuer, policy: policy, clients: Self.clients(), store: store, clock: clock,
            claims: Directory(), signingKeys: signingKeys)
    }

    /// The validator a client would use, for `client`.
    func validator(for client: ClientID) -> IDTokenValidator {
        IDTokenValidator(
            issuer: Self.issuer, clientID: client, algorithm: algorithm, verifiers: verifiers, keyID: activeKeyID)
    }

    // MARK: Users' claims

    /// What the host knows about its users (OpenID Connect Core §5.1), with one claim (`groups`)
    /// no scope ever releases.
    struct Directory: ClaimsSource {
        static let alice: [String: ClaimValue] = [
            "name": "Alice Liddell",
            "preferred_username": "alice",
            "email": "alice@example.com",
            "email_verified": true,
            "address": .object([
                "street_address": "1 Rabbit Hole", "locality": "Oxford", "postal_code": "OX1 1AA", "country": "GB",
            ]),
            "phone_number": "+44 1865 270000",
            "phone_number_verified": false,
            "groups": "wonderland-admins",
        ]
        /// Claims JSON must escape: quotes, a backslash, a control character, non-ASCII, U+2028.
        static let bobsName = "Bøb \"the Builder\" O'Brien \\ \u{01}\n😀\u{2028}</script>"
        static let bob: [String: ClaimValue] = ["name": .string(bobsName), "preferred_username": "bob"]

        func claims(for subject: Subject) async throws -> [String: ClaimValue]? {
            switch subject {
            case OIDCProvider.alice: Self.alice
            case OIDCProvider.bob: Self.bob
            default: nil
            }
        }
    }
}

// MARK: - The authorization endpoint

extension OIDCProvider {
    /// An authentication request (Core §3.1.2.1, §3.2.2.1, §3.3.2.1); nil leaves a parameter out.
    struct Authentication: Sendable {
        var responseType: String? = "code"
        var clientID: ClientID = OIDCProvider.rp.clientID
        var redirectURI: String? = OIDCProvider.rpRedirect
        var scope: String? = "openid"
        var state: String? = "af0ifjsldkj"
        var nonce: String? = "n-0S6_WzA2Mj"
        var responseMode: String? = nil
        var prompt: String? = nil
        var maxAge: Int? = nil
        var extra: [(String, String?)] = []

        /// The request of `client`, to its own redirect URI.
        static func of(_ client: ClientID, responseType: String) -> Authentication {
            Authentication(
                responseType: responseType, clientID: client, redirectURI: OIDCProvider.redirectURI(of: client))
        }

        var parameters: [(String, String?)] {
            [
                ("response_type", responseType), ("client_id", clientID.rawValue), ("redirect_uri", redirectURI),
                ("scope", scope), ("state", state), ("nonce", nonce), ("response_mode", responseMode),
                ("prompt", prompt), ("max_age", maxAge.map(String.init)),
            ] + extra
        }

        /// The same request with more parameters.
        func with(_ parameters: [(String, String?)]) -> Self {
            var copy = self
            copy.extra += parameters
            return copy
        }

        /// The same request without an optional parameter.
        func without(_ keyPath: WritableKeyPath<Self, String?>) -> Self {
            var copy = self
            copy[keyPath: keyPath] = nil
            return copy
        }

        var parsedResponseType: ResponseType? { responseType.flatMap(ResponseType.init(parsing:)) }

        /// Where the response must arrive: the mode asked for, else query for `code` and fragment
        /// for the rest (Multiple Response Types §2.1, §5; Form Post Response Mode §2).
        var expectedMode: CodeFlow.Redirect.Mode {
            switch responseMode {
            case "form_post": .formPost
            case "query": .query
            case "fragment": .fragment
            default: parsedResponseType == .code ? .query : .fragment
            }
        }
    }

    /// The user agent's request to the authorization endpoint: GET with a query, or a form POST
    /// (Core §3.1.2.1).
    static func authorizationRequest(_ authentication: Authentication, method: OAuthRequest.Method = .get) -> OAuthRequest {
        let encoded = FormEncoding.encode(authentication.parameters)
        return method == .post
            ? OAuthRequest.form("/authorize", encoded)
            : OAuthRequest(method: method, target: "/authorize?" + encoded)
    }

    func validate(_ authentication: Authentication, method: OAuthRequest.Method = .get) async -> AuthorizationValidation {
        await server.validate(Self.authorizationRequest(authentication, method: method))
    }

    /// The validated request; records an issue and throws when validation refused it.
    func request(_ authentication: Authentication, method: OAuthRequest.Method = .get) async throws -> AuthorizationRequest {
        let validation = await validate(authentication, method: method)
        return try #require(validation.request, "not valid: \(validation)")
    }
}

// MARK: - Claims by scope (written from Core §5.4, not from `ScopeClaims`)

enum OIDCScopeClaims {
    /// The claims of `OIDCProvider.Directory.alice` each scope releases (Core §5.4).
    static func aliceClaims(for scope: String) -> Set<String> {
        var names: Set<String> = ["sub"]
        for part in scope.split(separator: " ") {
            switch part {
            case "profile": names.formUnion(["name", "preferred_username"])
            case "email": names.formUnion(["email", "email_verified"])
            case "address": names.insert("address")
            case "phone": names.formUnion(["phone_number", "phone_number_verified"])
            default: break
            }
        }
        return names
    }

    /// The claims about the user an ID token carries: `sub`, and every claim beyond the registered ones.
    static func userClaims(in idToken: JWTClaims) -> Set<String> {
        Set(idToken.extraClaims.map(\.name)).union(idToken.subject == nil ? [] : ["sub"])
    }
}

extension OIDCProvider {
    /// The scopes of a `scope` parameter, empty for nil or a malformed one.
    static func scopes(_ text: String?) -> ScopeSet {
        guard let text, let scopes = try? ScopeSet.parse(text) else { return [] }
        return scopes
    }
}

extension JWTClaims {
    /// The value of a claim outside the typed ones, decoded by Foundation.
    func userClaim(_ name: String) -> Any? {
        guard let claim = extraClaims.first(where: { $0.name == name }) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(claim.json), options: .fragmentsAllowed)
    }
}
