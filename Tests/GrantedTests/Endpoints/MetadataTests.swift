import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// The metadata documents and the JWK Set, fetched through `handle(_:)` as a host routes them, and
/// checked against what the server actually does: every advertised value is exercised.
@Suite("Server metadata and JWK Set (RFC 8414 §2-3; OpenID Connect Discovery 1.0 §3-4; RFC 7517 §5)")
struct MetadataTests {
    typealias Authentication = OIDCProvider.Authentication

    static let openIDConfiguration = "/.well-known/openid-configuration"
    static let oauthMetadata = "/.well-known/oauth-authorization-server"
    static let documents = [openIDConfiguration, oauthMetadata]
    static let allResponseTypes: Set<String> = [
        "code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token",
    ]

    /// A metadata document as a client fetches it.
    static func document(
        _ server: AuthorizationServer, _ path: String = openIDConfiguration
    ) async throws -> [String: Any] {
        let response = try #require(
            await server.handle(OAuthRequest(method: .get, path: path)), "\(path) is not routed")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        return try response.jsonObject()
    }

    static func strings(_ value: Any?) -> [String] { value as? [String] ?? [] }

    /// The JWK Set's keys as a client reads them.
    static func keys(_ server: AuthorizationServer) async throws -> [[String: Any]] {
        let response = try #require(await server.handle(OAuthRequest(method: .get, path: "/.well-known/jwks.json")))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/jwk-set+json")
        let document = try response.jsonObject()
        return try #require(document["keys"] as? [[String: Any]], "no keys array: \(response.bodyText)")
    }

    /// A host's public-key signer with its JWK, standing in for RS256 from a crypto library.
    static func rsaSigner(_ keyID: String) throws -> PublishingSigner {
        let jwk =
            #"{"kty":"RSA","kid":"\#(keyID)","use":"sig","alg":"RS256","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}"#
        return PublishingSigner(algorithm: .rs256, keyID: keyID, publicJWK: try JWK(json: Array(jwk.utf8)))
    }

    // MARK: The document

    @Test("the issuer and every endpoint URL, in both documents (RFC 8414 §2; Discovery §3)", arguments: documents)
    func endpoints(path: String) async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server, path)
        #expect(metadata["issuer"] as? String == "https://op.example.com")
        #expect(metadata["authorization_endpoint"] as? String == "https://op.example.com/authorize")
        #expect(metadata["token_endpoint"] as? String == "https://op.example.com/token")
        #expect(metadata["revocation_endpoint"] as? String == "https://op.example.com/revoke")
        #expect(metadata["introspection_endpoint"] as? String == "https://op.example.com/introspect")
        #expect(metadata["userinfo_endpoint"] as? String == "https://op.example.com/userinfo")
        #expect(metadata["jwks_uri"] as? String == "https://op.example.com/.well-known/jwks.json")
    }

    @Test("the two documents are the same document (RFC 8414 §3; Discovery §4)")
    func sameDocument() async throws {
        let op = try OIDCProvider()
        let first = await op.server.handle(OAuthRequest(method: .get, path: Self.openIDConfiguration))
        let second = await op.server.handle(OAuthRequest(method: .get, path: Self.oauthMetadata))
        #expect(first?.body == second?.body)
    }

    @Test("Discovery §3: every REQUIRED member is present, with the values this server has")
    func requiredMembers() async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server)
        for member in [
            "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "response_types_supported",
            "subject_types_supported", "id_token_signing_alg_values_supported",
        ] {
            #expect(metadata[member] != nil, "\(member) is REQUIRED")
        }
        #expect(Self.strings(metadata["subject_types_supported"]) == ["public"])
        #expect(Self.strings(metadata["scopes_supported"]).contains("openid"))
        #expect(Set(Self.strings(metadata["response_modes_supported"])) == ["query", "fragment", "form_post"])
        #expect(metadata["request_parameter_supported"] as? Bool == false)
        #expect(metadata["request_uri_parameter_supported"] as? Bool == false)
        #expect(metadata["claims_parameter_supported"] as? Bool == false)
        #expect(
            Set(Self.strings(metadata["prompt_values_supported"])) == ["none", "login", "consent", "select_account"])
        for claim in [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "email", "address", "phone_number",
        ] {
            #expect(Self.strings(metadata["claims_supported"]).contains(claim), "\(claim)")
        }
    }

    @Test("response_types_supported: all seven with a signer; without one, only those without id_token (Discovery §3)")
    func responseTypes() async throws {
        let signed = try await Self.document(try OIDCProvider().server)
        #expect(Set(Self.strings(signed["response_types_supported"])) == Self.allResponseTypes)
        let unsigned = try await Self.document(try OIDCProvider(keys: .off).server, Self.oauthMetadata)
        #expect(Set(Self.strings(unsigned["response_types_supported"])) == ["code", "token", "code token"])
    }

    @Test(
        "grant_types_supported, token_endpoint_auth_methods_supported, authorization_response_iss_parameter_supported (RFC 8414 §2; RFC 9207 §3)"
    )
    func grantsAndAuthMethods() async throws {
        let metadata = try await Self.document(try OIDCProvider().server)
        #expect(
            Set(Self.strings(metadata["grant_types_supported"])) == [
                "authorization_code", "implicit", "refresh_token", "client_credentials",
                "urn:ietf:params:oauth:grant-type:device_code",
            ])
        #expect(
            Self.strings(metadata["token_endpoint_auth_methods_supported"]) == [
                "client_secret_basic", "client_secret_post", "none", "client_secret_jwt",
            ])
        #expect(metadata["authorization_response_iss_parameter_supported"] as? Bool == true)
    }

    @Test("protected_resources lists the registry, sorted, and is absent without one (RFC 9728 §4)", arguments: documents)
    func protectedResources(path: String) async throws {
        let bare = try await Self.document(try OIDCProvider().server, path)
        #expect(bare["protected_resources"] == nil)
        var policy = Policy()
        policy.resources = ResourceRegistry(
            [ProtectedResource("https://tools.example/mcp", tokenFormat: .jwt), ProtectedResource("https://api.example")],
            defaults: ["https://api.example"])
        let metadata = try await Self.document(try OIDCProvider(policy: policy).server, path)
        #expect(Self.strings(metadata["protected_resources"]) == ["https://api.example", "https://tools.example/mcp"])
    }

    @Test(
        "code_challenge_methods_supported is S256, plus plain only when the policy allows it (RFC 8414 §2; RFC 7636 §4.2)",
        arguments: [false, true])
    func challengeMethods(allowsPlain: Bool) async throws {
        var policy = Policy()
        policy.allowsPlainPKCE = allowsPlain
        let op = try OIDCProvider(policy: policy)
        let metadata = try await Self.document(op.server)
        let methods = Self.strings(metadata["code_challenge_methods_supported"])
        #expect(methods == (allowsPlain ? ["S256", "plain"] : ["S256"]))
        // What is advertised is accepted, and plain is refused when it is not.
        for method in ["S256", "plain"] {
            let validation = await op.validate(
                Authentication.of(OIDCProvider.native, responseType: "code").with(
                    [
                        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                        ("code_challenge_method", method),
                    ]))
            #expect((validation.request != nil) == methods.contains(method), "\(method): \(validation)")
        }
    }

    @Test("id_token_signing_alg_values_supported is the active signer's alg, never none (Discovery §3; RFC 8725 §3.1)")
    func signingAlgorithms() async throws {
        let hs256 = try await Self.document(try OIDCProvider().server)
        #expect(Self.strings(hs256["id_token_signing_alg_values_supported"]) == ["HS256"])
        let rsa = try await Self.document(
            try OIDCProvider(keys: .custom(SigningKeys(active: Self.rsaSigner("r1")))).server)
        #expect(Self.strings(rsa["id_token_signing_alg_values_supported"]) == ["RS256"])
        for metadata in [hs256, rsa] {
            #expect(
                !Self.strings(metadata["id_token_signing_alg_values_supported"]).contains { $0.lowercased() == "none" })
        }
    }

    // MARK: The metadata never disagrees with behaviour

    @Test("every advertised response type is accepted by validate, and then issues what it names (Discovery §3)")
    func advertisedResponseTypesWork() async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server)
        let advertised = Self.strings(metadata["response_types_supported"])
        #expect(!advertised.isEmpty)
        for responseType in advertised {
            let authentication = Authentication(responseType: responseType)
            let request = try await op.request(authentication)
            #expect(request.responseType.description == responseType)
            _ = try await op.signIn(authentication)  // every ID token on the way is validated
        }
    }

    @Test(
        "every advertised response mode delivers, except query for tokens (Multiple Response Types §2.1, §5; Form Post §2)"
    )
    func advertisedResponseModesWork() async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server)
        for mode in Self.strings(metadata["response_modes_supported"]) {
            for responseType in OIDCProvider.responseTypes {
                let authentication = Authentication(responseType: responseType, responseMode: mode)
                if mode == "query" && responseType != "code" {
                    let validation = await op.validate(authentication)
                    #expect(validation.redirected?.error.code == "invalid_request", "\(mode) \(responseType)")
                } else {
                    let outcome = try await op.signIn(authentication)
                    #expect(outcome.redirect.mode == authentication.expectedMode)
                }
            }
        }
    }

    @Test("every advertised token endpoint auth method authenticates a code exchange (RFC 8414 §2)")
    func advertisedAuthMethodsWork() async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server)
        let vector = try PKCEVector.rfc7636()
        for method in Self.strings(metadata["token_endpoint_auth_methods_supported"]) {
            switch method {
            case "client_secret_basic", "client_secret_post":
                let authentication = Authentication(responseType: "code")
                var session: UserSession?
                let run = try await op.host(authentication, session: &session)
                let caller: CodeFlow.Caller =
                    method == "client_secret_basic" ? .basic(OIDCProvider.rp) : .body(OIDCProvider.rp)
                let outcome = try await op.finish(run.redirect, for: authentication, caller: caller)
                #expect(outcome.backIDToken != nil)
            case "none":
                let authentication = Authentication.of(OIDCProvider.native, responseType: "code").with(
                    [("code_challenge", vector.challenge), ("code_challenge_method", "S256")])
                var session: UserSession?
                let run = try await op.host(authentication, session: &session)
                let outcome = try await op.finish(run.redirect, for: authentication, verifier: vector.verifier)
                #expect(outcome.backIDToken?.audience == [OIDCProvider.native.rawValue])
            case "client_secret_jwt", "private_key_jwt":
                // The same `authenticateClient` path as a code exchange; every check is in
                // `ClientAssertionTests`, over clients whose secret is derived or keys registered.
                let kind: ClientAssertionTests.Kind = method == "client_secret_jwt" ? .clientSecretJWT : .privateKeyES256
                let server = AssertionFixtures.make()
                let response = await server.token(AssertionFixtures.tokenRequest(try kind.assertion(), as: kind.client))
                #expect(response.status == 200, "\(response.bodyText)")
            default:
                Issue.record("advertised and untested: \(method)")
            }
        }
    }

    @Test("every advertised grant type is granted (RFC 8414 §2)")
    func advertisedGrantsWork() async throws {
        let op = try OIDCProvider()
        let metadata = try await Self.document(op.server)
        for grant in Self.strings(metadata["grant_types_supported"]) {
            switch grant {
            case "authorization_code":
                #expect(try await op.signIn(Authentication(responseType: "code")).tokens != nil)
            case "implicit":
                #expect(try await op.signIn(Authentication(responseType: "id_token token")).frontAccessToken != nil)
            case "refresh_token":
                let outcome = try await op.signIn(Authentication(responseType: "code"))
                _ = try await op.refreshValidated(
                    try #require(outcome.refreshToken), original: try #require(outcome.backIDToken))
            case "client_credentials":
                let response = await op.server.token(
                    TestServer.tokenRequest([("grant_type", "client_credentials")], basic: OIDCProvider.service))
                #expect(response.status == 200, "\(response.bodyText)")
            case "urn:ietf:params:oauth:grant-type:device_code":
                let device = OIDCProvider.device
                let start = await op.server.deviceAuthorization(
                    RequestBuilder.form("/device_authorization", [("scope", "openid")], as: .publicClient(device)))
                let userCode = try #require(try start.jsonObject()["user_code"] as? String)
                let deviceCode = try #require(try start.jsonObject()["device_code"] as? String)
                try await op.server.approveDevice(userCode: userCode, subject: OIDCProvider.alice, authTime: op.clock.now)
                let response = await op.server.token(
                    RequestBuilder.form("/token", [("grant_type", grant), ("device_code", deviceCode)], as: .publicClient(device)))
                #expect(response.status == 200, "\(response.bodyText)")
            default:
                Issue.record("advertised and untested: \(grant)")
            }
        }
    }

    @Test(
        "the advertised issuer is the iss of every ID token and authorization response (RFC 9207 §2; Core §3.1.3.7 step 2)"
    )
    func issuerAgrees() async throws {
        let op = try OIDCProvider()
        let issuer = try #require(try await Self.document(op.server)["issuer"] as? String)
        let outcome = try await op.signIn(Authentication(responseType: "code id_token"))
        #expect(outcome.redirect["iss"] == issuer)
        #expect(outcome.frontIDToken?.issuer == issuer)
        #expect(outcome.backIDToken?.issuer == issuer)
    }

    @Test(
        "without signing keys, id_token response types are unsupported_response_type (Core §3.2, §3.3)",
        arguments: OIDCProvider.idTokenResponseTypes)
    func idTokenTypesNeedKeys(responseType: String) async throws {
        let op = try OIDCProvider(keys: .off)
        let validation = await op.validate(Authentication(responseType: responseType))
        #expect(validation.redirected?.error == .unsupportedResponseType, "\(validation)")
    }

    @Test("the documents answer GET and HEAD, and 405 to other methods", arguments: documents)
    func methods(path: String) async throws {
        let op = try OIDCProvider()
        #expect(await op.server.handle(OAuthRequest(method: .head, path: path))?.status == 200)
        let post = await op.server.handle(OAuthRequest(method: .post, path: path))
        #expect(post?.status == 405)
    }

    // MARK: The JWK Set

    @Test("the JWK Set of an HS256 server is empty: a MAC key is never published (RFC 7517 §9.2)")
    func hs256PublishesNothing() async throws {
        let op = try OIDCProvider()
        #expect(try await Self.keys(op.server).isEmpty)
    }

    @Test("a public-key signer's JWK is published, with its kid and no private member (RFC 7517 §4, §5)")
    func publicKeyPublished() async throws {
        let op = try OIDCProvider(keys: .custom(SigningKeys(active: Self.rsaSigner("r1"))))
        let keys = try await Self.keys(op.server)
        #expect(keys.count == 1)
        #expect(keys.first?["kid"] as? String == "r1")
        #expect(keys.first?["kty"] as? String == "RSA")
        #expect(keys.first?["use"] as? String == "sig")
        for key in keys { #expect(Set(key.keys).isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "k"])) }
    }

    @Test("rotation: the active key and the published ones are all listed, each once (RFC 7517 §5; Core §10.1.1)")
    func rotation() async throws {
        let hs256 = try OIDCProvider.signer()
        let keys = try SigningKeys(
            active: Self.rsaSigner("r2"), published: [Self.rsaSigner("r1"), hs256, Self.rsaSigner("r2")])
        let op = try OIDCProvider(keys: .custom(keys))
        let listed = try await Self.keys(op.server).compactMap { $0["kid"] as? String }
        #expect(listed == ["r2", "r1"])
        let metadata = try await Self.document(op.server)
        #expect(Self.strings(metadata["id_token_signing_alg_values_supported"]) == ["RS256"])
    }

    @Test("without signing keys there is no userinfo nor JWKS: not in the metadata, and handle answers nil")
    func withoutSigningKeys() async throws {
        let op = try OIDCProvider(keys: .off)
        let metadata = try await Self.document(op.server, Self.oauthMetadata)
        #expect(metadata["userinfo_endpoint"] == nil)
        #expect(metadata["jwks_uri"] == nil)
        #expect(metadata["id_token_signing_alg_values_supported"] == nil)
        #expect(metadata["issuer"] as? String == OIDCProvider.issuer)
        for path in ["/userinfo", "/.well-known/jwks.json", Self.openIDConfiguration] {
            #expect(await op.server.handle(OAuthRequest(method: .get, path: path)) == nil, "\(path)")
        }
        // A code request with openid is then plain OAuth: no id_token from the token endpoint.
        let outcome = try await op.signIn(
            Authentication(responseType: "code", scope: "openid profile").without(\.nonce))
        #expect(outcome.tokens?.idToken == nil)
    }
}
