import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// A server for the flows with a person in the middle (authorization code with PKCE, refresh,
/// implicit): `TestServer`'s clients plus the ones below, an in-memory store and a manual clock.
/// Every step goes through HTTP values, as a browser and a client would send them.
struct CodeFlow: Sendable {
    let server: AuthorizationServer
    let store: InMemoryGrantStore
    let clock: ManualClock

    /// - Parameter extraClients: registered besides `TestServer.clients()` and `CodeFlow.clients()`.
    init(policy: Policy = Policy(), start: Date = TestServer.start, extraClients: [Client] = []) {
        let clients = TestServer.clients()
        for client in Self.clients() + extraClients { clients.register(client) }
        clock = ManualClock(start)
        store = InMemoryGrantStore()
        server = AuthorizationServer(
            issuer: TestServer.issuer, policy: policy, clients: clients, store: store, clock: clock)
    }

    // MARK: Clients and users

    /// Confidential, code and refresh grants, any known scope.
    static let webApp = BasicCredentials(clientID: "code-app", secret: "code-app-secret")
    static let webAppRedirect = "https://app.example.com/callback"
    /// Confidential, code and refresh grants: the "other client" of the binding tests.
    static let otherApp = BasicCredentials(clientID: "other-app", secret: "other-app-secret")
    static let otherAppRedirect = "https://other.example.com/callback"
    /// Public native app (RFC 8252) with a custom-scheme redirect URI, code and refresh grants.
    static let nativeApp: ClientID = "native-app"
    static let nativeAppRedirect = "com.example.native:/oauth/callback"
    /// Confidential, the code grant only: no refresh tokens.
    static let codeOnlyApp = BasicCredentials(clientID: "code-only-app", secret: "code-only-secret")
    static let codeOnlyRedirect = "https://code-only.example.com/callback"
    /// Confidential, two registered redirect URIs.
    static let multiApp = BasicCredentials(clientID: "multi-app", secret: "multi-app-secret")
    static let multiAppRedirects = ["https://multi.example.com/a", "https://multi.example.com/b"]
    /// Public, loopback `http` redirect URIs (RFC 8252 §7.3).
    static let loopbackApp: ClientID = "loopback-app"
    static let loopbackRedirects = [
        "http://127.0.0.1:8400/callback", "http://localhost:8400/callback", "http://[::1]:8400/callback",
    ]
    /// Confidential, registered with a non-loopback `http` redirect URI (RFC 9700 §2.6).
    static let insecureApp = BasicCredentials(clientID: "insecure-app", secret: "insecure-app-secret")
    static let insecureRedirect = "http://insecure.example.com/callback"
    /// Public, the implicit grant only.
    static let implicitApp: ClientID = "implicit-app"
    static let implicitRedirect = "https://implicit.example.com/callback"
    /// Confidential, code grant, may ask only for `public` and `profile`.
    static let limitedApp = BasicCredentials(clientID: "limited-app", secret: "limited-app-secret")
    static let limitedRedirect = "https://limited.example.com/callback"
    /// Confidential, a redirect URI with a query component of its own (RFC 6749 §3.1.2).
    static let tenantApp = BasicCredentials(clientID: "tenant-app", secret: "tenant-app-secret")
    static let tenantRedirect = "https://tenant.example.com/callback?tenant=7"

    static let alice: Subject = "alice"
    static let bob: Subject = "bob"
    static let state = "af0ifjsldkj"

    static func clients() -> [Client] {
        let hasher = SHA256SecretHasher()
        func confidential(
            _ credentials: BasicCredentials, _ redirects: [String], _ grants: Set<GrantType>,
            scopes: ScopeSet? = nil
        ) -> Client {
            Client(
                id: credentials.clientID, authentication: .clientSecret(hasher.hash(credentials.secret)), redirectURIs: redirects,
                grantTypes: grants, allowedScopes: scopes)
        }
        return [
            confidential(webApp, [webAppRedirect], [.authorizationCode, .refreshToken]),
            confidential(otherApp, [otherAppRedirect], [.authorizationCode, .refreshToken]),
            confidential(codeOnlyApp, [codeOnlyRedirect], [.authorizationCode]),
            confidential(multiApp, multiAppRedirects, [.authorizationCode, .refreshToken]),
            confidential(insecureApp, [insecureRedirect], [.authorizationCode]),
            confidential(limitedApp, [limitedRedirect], [.authorizationCode], scopes: [.public, .profile]),
            confidential(tenantApp, [tenantRedirect], [.authorizationCode]),
            Client(id: nativeApp, redirectURIs: [nativeAppRedirect], grantTypes: [.authorizationCode, .refreshToken]),
            Client(id: loopbackApp, redirectURIs: loopbackRedirects, grantTypes: [.authorizationCode]),
            Client(id: implicitApp, redirectURIs: [implicitRedirect], grantTypes: [.implicit]),
        ]
    }

    // MARK: The authorization endpoint

    /// `/authorize?…` with `parameters` form-encoded (nil values left out).
    static func target(_ parameters: [(String, String?)]) -> String {
        let request = RequestBuilder.authorize(parameters)
        return request.path + "?" + (request.query ?? "")
    }

    /// The parameters of a code request (RFC 6749 §4.1.1; RFC 7636 §4.3).
    static func codeRequest(
        client: ClientID = webApp.clientID, redirectURI: String? = webAppRedirect, scope: String? = nil,
        state: String? = CodeFlow.state, challenge: String? = nil, method: String? = "S256",
        extra: [(String, String?)] = []
    ) -> [(String, String?)] {
        [
            ("response_type", "code"), ("client_id", client.rawValue), ("redirect_uri", redirectURI),
            ("scope", scope), ("state", state), ("code_challenge", challenge),
            ("code_challenge_method", challenge == nil ? nil : method),
        ] + extra
    }

    /// A code request of the native app with the RFC 7636 Appendix B challenge.
    static func nativeCodeRequest(scope: String? = nil, extra: [(String, String?)] = []) throws -> [(String, String?)] {
        let vector = try PKCEVector.rfc7636()
        return codeRequest(
            client: nativeApp, redirectURI: nativeAppRedirect, scope: scope, challenge: vector.challenge,
            extra: extra)
    }

    func validate(_ parameters: [(String, String?)]) async -> AuthorizationValidation {
        await server.validate(OAuthRequest(method: .get, target: Self.target(parameters)))
    }

    /// The validated request; records an issue and throws when validation refused it.
    func authorizationRequest(_ parameters: [(String, String?)]) async throws -> AuthorizationRequest {
        let validation = await validate(parameters)
        return try #require(validation.request, "not valid: \(validation)")
    }

    /// Validates, lets `subject` approve `scopes` (nil: all asked), and parses the redirect.
    func approve(
        _ parameters: [(String, String?)], subject: Subject = CodeFlow.alice, scopes: ScopeSet? = nil
    ) async throws -> Redirect {
        let request = try await authorizationRequest(parameters)
        return try Redirect(
            await server.approve(request, subject: subject, scopes: scopes, authTime: clock.now))
    }

    /// A code issued to `parameters`' client after `subject` approved.
    func code(
        _ parameters: [(String, String?)] = CodeFlow.codeRequest(), subject: Subject = CodeFlow.alice,
        scopes: ScopeSet? = nil
    ) async throws -> String {
        let redirect = try await approve(parameters, subject: subject, scopes: scopes)
        return try #require(redirect["code"], "no code in \(redirect.parameters)")
    }

    // MARK: The token endpoint

    /// How a client authenticates at the token endpoint (RFC 6749 §2.3.1, §3.2.1).
    typealias Caller = ClientAuth

    static let web = Caller.basic(webApp)
    static let other = Caller.basic(otherApp)
    static let native = Caller.publicClient(nativeApp)

    /// `grant_type=authorization_code` (RFC 6749 §4.1.3).
    func exchange(
        _ code: String, as caller: Caller = CodeFlow.web, redirectURI: String? = CodeFlow.webAppRedirect,
        verifier: String? = nil
    ) async -> OAuthResponse {
        await server.token(
            caller.tokenRequest([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("code_verifier", verifier),
            ]))
    }

    /// `grant_type=refresh_token` (RFC 6749 §6).
    func refresh(_ token: String, as caller: Caller = CodeFlow.web, scope: String? = nil) async -> OAuthResponse {
        await server.token(
            caller.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", token), ("scope", scope)]))
    }

    /// The web app's whole flow: approve, exchange, answer the tokens.
    func signIn(
        scope: String? = nil, subject: Subject = CodeFlow.alice, approving scopes: ScopeSet? = nil
    ) async throws -> Tokens {
        let code = try await code(CodeFlow.codeRequest(scope: scope), subject: subject, scopes: scopes)
        return try Tokens(await exchange(code))
    }

    /// The native app's whole flow with the RFC 7636 Appendix B pair.
    func signInNative(scope: String? = nil, subject: Subject = CodeFlow.alice) async throws -> Tokens {
        let code = try await code(try CodeFlow.nativeCodeRequest(scope: scope), subject: subject)
        let verifier = try PKCEVector.rfc7636().verifier
        return try Tokens(
            await exchange(code, as: CodeFlow.native, redirectURI: CodeFlow.nativeAppRedirect, verifier: verifier))
    }

    // MARK: The resource

    /// What the resource guard decides for a request with `Authorization: Bearer token`.
    func check(_ token: String, requiring required: ScopeSet = []) async -> ResourceGuard.Decision {
        await server.resourceGuard().check(
            TestServer.resourceRequest(["Authorization": "Bearer \(token)"]), requiring: required)
    }

    func verifies(_ token: String) async -> Bool { await check(token).grant != nil }
}

extension ClientAuth {
    var id: ClientID { clientID }

    func tokenRequest(_ parameters: [(String, String?)]) -> OAuthRequest {
        RequestBuilder.form("/token", parameters, as: self)
    }
}

// MARK: - Reading responses

extension CodeFlow {
    /// An authorization response as the client's redirect URI receives it (RFC 6749 §4.1.2,
    /// §4.2.2; Multiple Response Types §2.1; Form Post Response Mode §2).
    struct Redirect: Sendable {
        enum Mode: Sendable, Equatable { case query, fragment, formPost }
        struct Malformed: Error, CustomStringConvertible {
            let description: String
        }

        let response: OAuthResponse
        let mode: Mode
        /// The redirect URI up to the parameters Granted added (the form's `action` for form_post).
        let target: String
        let parameters: [(name: String, value: String)]

        init(_ response: OAuthResponse) throws {
            self.response = response
            if response.status == 303 {
                guard let location = response.headers["Location"] else {
                    throw Malformed(description: "303 without Location")
                }
                let split: (String, String, Mode)
                if let hash = location.firstIndex(of: "#") {
                    split = (String(location[..<hash]), String(location[location.index(after: hash)...]), .fragment)
                } else if let mark = location.firstIndex(of: "?") {
                    split = (String(location[..<mark]), String(location[location.index(after: mark)...]), .query)
                } else {
                    throw Malformed(description: "Location carries no parameters: \(location)")
                }
                target = split.0
                mode = split.2
                parameters = try FormParameters(query: split.1).all
            } else if response.status == 200, response.headers["Content-Type"]?.hasPrefix("text/html") == true {
                let html = response.bodyText
                guard let action = html.firstMatch(of: #/<form method="post" action="([^"]*)">/#) else {
                    throw Malformed(description: "no post form in \(html)")
                }
                mode = .formPost
                target = Self.unescape(String(action.1))
                parameters = html.matches(of: #/<input type="hidden" name="([^"]*)" value="([^"]*)">/#).map {
                    (Self.unescape(String($0.1)), Self.unescape(String($0.2)))
                }
            } else {
                throw Malformed(description: "not an authorization response: \(response.status) \(response.bodyText)")
            }
        }

        subscript(name: String) -> String? { parameters.first { $0.name == name }?.value }
        var names: [String] { parameters.map(\.name) }
        var error: String? { self["error"] }

        private static func unescape(_ text: String) -> String {
            text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// A successful token response (RFC 6749 §5.1).
    struct Tokens: Sendable {
        let accessToken: String
        let tokenType: String?
        let expiresIn: Int?
        let scope: String?
        let refreshToken: String?
        let members: Set<String>

        init(_ response: OAuthResponse) throws {
            try #require(response.status == 200, "token request failed: \(response.status) \(response.bodyText)")
            let json = try response.jsonObject()
            accessToken = try #require(json["access_token"] as? String)
            tokenType = json["token_type"] as? String
            expiresIn = (json["expires_in"] as? NSNumber)?.intValue
            scope = json["scope"] as? String
            refreshToken = json["refresh_token"] as? String
            members = Set(json.keys)
        }
    }
}

extension AuthorizationValidation {
    var request: AuthorizationRequest? {
        if case .valid(let request) = self { request } else { nil }
    }
    /// The error sent to the client's redirect URI, and the redirect itself.
    var redirected: (error: OAuthError, response: OAuthResponse)? {
        if case .redirect(let response, let error) = self { (error, response) } else { nil }
    }
    /// The error shown to the user, never redirected (RFC 6749 §4.1.2.1).
    var userFacingError: OAuthError? {
        if case .userFacing(let error, _) = self { error } else { nil }
    }
}

/// The RFC 7636 Appendix B verifier and challenge, from `Fixtures/vectors/pkce-rfc7636.json`.
struct PKCEVector: Decodable, Sendable {
    let verifier: String
    /// The 32 random octets the verifier base64url-encodes.
    let verifierOctets: [UInt8]
    /// SHA-256 of the verifier's ASCII.
    let digestOctets: [UInt8]
    let challenge: String
    let method: String

    enum CodingKeys: String, CodingKey {
        case verifier = "code_verifier"
        case verifierOctets = "code_verifier_octets"
        case digestOctets = "sha256_octets"
        case challenge = "code_challenge"
        case method = "code_challenge_method"
    }

    static func rfc7636() throws -> PKCEVector {
        try Fixtures.load("vectors/pkce-rfc7636.json", as: PKCEVector.self)
    }
}
