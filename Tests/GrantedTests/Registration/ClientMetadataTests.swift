import Foundation
import Testing
@testable import Granted

@Suite("Client metadata (RFC 7591 §2, §3.2.2)")
struct ClientMetadataTests {
    static func parse(_ json: String, policy: Policy = Policy()) throws(OAuthError) -> ClientMetadata {
        try ClientMetadata(json: Array(json.utf8), policy: policy)
    }

    @Test("defaults: authorization_code, code, client_secret_basic (§2)")
    func defaults() throws {
        let metadata = try Self.parse(#"{"redirect_uris":["https://a.example.com/cb"]}"#)
        #expect(metadata.grantTypes == [.authorizationCode])
        #expect(metadata.responseTypes == [.code])
        #expect(metadata.tokenEndpointAuthMethod == .clientSecretBasic)
        #expect(metadata.needsSecret)
        #expect(metadata.scope == nil)
    }

    @Test(
        "a member sent as null reads as absent, whatever its type (RFC 7591 §2)",
        arguments: [
            "client_name", "grant_types", "response_types", "scope", "token_endpoint_auth_method", "contacts",
            "require_pushed_authorization_requests", "default_max_age", "jwks",
        ])
    func nullIsAbsent(member: String) throws {
        let base = #""redirect_uris":["https://a.example.com/cb"]"#
        let withNull = try Self.parse(#"{\#(base),"\#(member)":null}"#)
        #expect(withNull == (try Self.parse(#"{\#(base)}"#)))
    }

    @Test(
        "redirect URIs RFC 8252 §7.1 allows are accepted",
        arguments: [
            "https://a.example.com/cb", "http://127.0.0.1:8400/cb", "http://[::1]/cb", "http://localhost:3000/cb",
            "com.example.app:/oauth", "https://a.example.com/cb?tenant=1",
        ])
    func acceptedRedirectURI(_ uri: String) throws {
        let metadata = try Self.parse(#"{"redirect_uris":["\#(uri)"],"token_endpoint_auth_method":"none"}"#)
        #expect(metadata.redirectURIs == [uri])
    }

    @Test(
        "a fragment, non-loopback http or another scheme is invalid_redirect_uri (§3.2.2; RFC 8252 §7.1)",
        arguments: [
            "https://a.example.com/cb#frag", "http://a.example.com/cb", "javascript:alert(1)", "data:text/html,x",
            "file:///etc/passwd", "myapp:/cb", "relative/path", "", "https:/no-authority", "http://127.0.0.1@evil.example/cb",
        ])
    func refusedRedirectURI(_ uri: String) {
        #expect(throws: OAuthError.self) { try Self.parse(#"{"redirect_uris":["\#(uri)"]}"#) }
        do {
            _ = try Self.parse(#"{"redirect_uris":["\#(uri)"]}"#)
        } catch {
            #expect(error.code == "invalid_redirect_uri")
        }
    }

    @Test("a redirect-based grant without redirect_uris is invalid_redirect_uri (§2)", arguments: [
        #"{}"#, #"{"redirect_uris":[]}"#, #"{"grant_types":["implicit"],"response_types":["token"]}"#,
    ])
    func missingRedirectURIs(_ json: String) {
        #expect(throws: OAuthError.invalidRedirectURI("redirect_uris is required for redirect-based grants")) {
            try Self.parse(json)
        }
    }

    @Test(
        "unknown, inconsistent or malformed metadata is invalid_client_metadata (§2, §2.1, §3.2.2)",
        arguments: [
            // Unknown method or grant type.
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"tls_client_auth"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"grant_types":["password"]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"grant_types":["authorization_code","urn:ietf:params:oauth:grant-type:jwt-bearer"]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"response_types":["code id_token token code"]}"#,
            // private_key_jwt without keys, with an empty or private set, with both jwks and jwks_uri.
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[]}}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]}}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":"nope"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"http://keys.example.com/jwks"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"jwks_uri":"https://k.example.com/jwks","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}}"#,
            // Inconsistent grant and response types (§2.1).
            #"{"redirect_uris":["https://a.example.com/cb"],"grant_types":["authorization_code"],"response_types":["token"]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"grant_types":["implicit"],"response_types":["code"]}"#,
            #"{"grant_types":["client_credentials"],"response_types":["code"]}"#,
            // A public client with client credentials (RFC 6749 §4.4).
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}"#,
            // Wrong JSON types.
            #"{"redirect_uris":"https://a.example.com/cb"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"client_name":7}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"scope":["public"]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"grant_types":"authorization_code"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"contacts":[1]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"scope":"bad\"scope"}"#,
            // Nothing known left in scope (found by the fuzzer: an empty scope did not read back).
            #"{"redirect_uris":["https://a.example.com/cb"],"scope":"payroll"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"scope":""}"#,
            // Logout URIs.
            #"{"redirect_uris":["https://a.example.com/cb"],"post_logout_redirect_uris":["http://evil.example.com/"]}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"backchannel_logout_uri":"com.example.app:/logout"}"#,
            #"{"redirect_uris":["https://a.example.com/cb"],"backchannel_logout_uri":"https://rp.example.com/logout#x"}"#,
            // jwks holds public keys only (§2): no symmetric key, alone or beside a public one, and
            // no private member even in a key of a kty the parser would otherwise skip.
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"oct","k":"c2hhcmVkLXNlY3JldC1rZXktbWF0ZXJpYWw"}]}}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},{"kty":"oct","k":"c2hhcmVkLXNlY3JldC1rZXktbWF0ZXJpYWw","alg":"HS256"}]}}"#,
            #"{"grant_types":["client_credentials"],"jwks":{"keys":[{"kty":"oct","k":"c2hhcmVkLXNlY3JldC1rZXktbWF0ZXJpYWw"}]}}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},{"kty":"XYZ","d":"cHJpdmF0ZQ"}]}}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},{"kty":"XYZ","k":"c2VjcmV0"}]}}"#,
            // token_endpoint_auth_signing_alg (OpenID Connect Registration 1.0 §2): never none, one
            // the method can use, only for the JWT methods, a string.
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"none"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"None"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"none"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"HS256"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"XS999"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"RS256"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"HS512"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic","token_endpoint_auth_signing_alg":"RS256"}"#,
            #"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":["HS256"]}"#,
            // dpop_bound_access_tokens (RFC 9449 §5.2) is a boolean.
            #"{"grant_types":["client_credentials"],"dpop_bound_access_tokens":"true"}"#,
            #"{"grant_types":["client_credentials"],"dpop_bound_access_tokens":[true]}"#,
        ])
    func invalidMetadata(_ json: String) {
        do {
            let metadata = try Self.parse(json)
            Issue.record("accepted: \(metadata)")
        } catch {
            #expect(error.code == "invalid_client_metadata", "\(error)")
            #expect(error.status == 400)
        }
    }

    @Test("a body that is not a JSON object is invalid_request", arguments: ["", "[]", "null", "{", "\"x\"", "{\"a\":1"])
    func notAnObject(_ json: String) {
        #expect(throws: OAuthError.invalidRequest("the body must be a JSON object")) { try Self.parse(json) }
    }

    @Test("every method of the spec is accepted and kept; private_key_jwt with its keys (§2)")
    func methods() throws {
        let jwk = #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
        for method in ["none", "client_secret_basic", "client_secret_post", "client_secret_jwt"] {
            let metadata = try Self.parse(
                #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"\#(method)"}"#)
            #expect(metadata.tokenEndpointAuthMethod.rawValue == method)
            #expect(metadata.needsSecret == (method != "none"))
        }
        let signed = try Self.parse(
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[\#(jwk)]}}"#)
        guard case .jwks(let keys)? = signed.publicKeys else { Issue.record("no keys"); return }
        #expect(keys.keys.count == 1)
        #expect(!signed.needsSecret)
        let client = signed.client(id: "c", secretHash: nil)
        #expect(client.isConfidential)
        #expect(client.accepts(.privateKeyJWT) && !client.accepts(.none) && !client.accepts(.clientSecretBasic))
        let byURI = try Self.parse(
            #"{"redirect_uris":["https://a.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks"}"#)
        #expect(byURI.publicKeys == .jwksURI("https://k.example.com/jwks"))
    }

    @Test("an omitted list follows the other one (§2.1), unknown members are ignored (§2)")
    func impliedTypes() throws {
        let service = try Self.parse(#"{"grant_types":["client_credentials"],"software_statement":"x.y.z","extra":{}}"#)
        #expect(service.responseTypes.isEmpty)
        let implicit = try Self.parse(#"{"redirect_uris":["https://a.example.com/cb"],"response_types":["token"],"token_endpoint_auth_method":"none"}"#)
        #expect(implicit.grantTypes == [.implicit])
        let hybrid = try Self.parse(#"{"redirect_uris":["https://a.example.com/cb"],"response_types":["code id_token"]}"#)
        #expect(hybrid.grantTypes == [.authorizationCode, .implicit])
    }

    @Test("unknown scopes are dropped, known ones kept (§3.2.1 lets the server replace values)")
    func scopes() throws {
        let metadata = try Self.parse(#"{"grant_types":["client_credentials"],"scope":"public payroll profile"}"#)
        #expect(metadata.scope == [.public, .profile])
    }

    @Test("http redirect URIs off loopback pass only when the policy allows insecure ones (RFC 9700 §2.6)")
    func insecurePolicy() throws {
        var policy = Policy()
        policy.allowsInsecureRedirectURIs = true
        let metadata = try Self.parse(#"{"redirect_uris":["http://a.example.com/cb"]}"#, policy: policy)
        #expect(metadata.redirectURIs == ["http://a.example.com/cb"])
    }

    @Test("written metadata reads back as registered")
    func roundTrip() throws {
        let json = #"{"redirect_uris":["https://a.example.com/cb","com.example.app:/cb"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"],"client_name":"A \"quoted\" name","scope":"profile","client_uri":"https://a.example.com","logo_uri":"https://a.example.com/logo.png","tos_uri":"https://a.example.com/tos","policy_uri":"https://a.example.com/policy","contacts":["ops@a.example.com"],"software_id":"sid","software_version":"1.0","post_logout_redirect_uris":["https://a.example.com/bye"],"backchannel_logout_uri":"https://a.example.com/bcl","backchannel_logout_session_required":true,"jwks_uri":"https://a.example.com/jwks"}"#
        let metadata = try Self.parse(json)
        #expect(try ClientMetadata(registered: metadata.json) == metadata)
        #expect(metadata.backchannelLogoutSessionRequired == true)
        #expect(metadata.contacts == ["ops@a.example.com"])
    }

    @Test(
        "token_endpoint_auth_signing_alg and dpop_bound_access_tokens are kept, go to the client and read back",
        arguments: [
            (#""token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"HS256""#, "HS256"),
            (#""token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"PS256""#, "PS256"),
            (#""token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://k.example.com/jwks","token_endpoint_auth_signing_alg":"EdDSA""#, "EdDSA"),
        ])
    func pinnedAlgorithm(members: String, algorithm: String) throws {
        let metadata = try Self.parse(#"{"grant_types":["client_credentials"],\#(members),"dpop_bound_access_tokens":true}"#)
        #expect(metadata.tokenEndpointAuthSigningAlgorithm == JWSAlgorithm(rawValue: algorithm))
        #expect(metadata.dpopBoundAccessTokens == true)
        let client = metadata.client(id: "c", secretHash: nil)
        #expect(client.tokenEndpointAuthSigningAlgorithm == JWSAlgorithm(rawValue: algorithm))
        #expect(client.requiresDPoP)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(metadata.json)) as? [String: Any])
        #expect(written["token_endpoint_auth_signing_alg"] as? String == algorithm)
        #expect(written["dpop_bound_access_tokens"] as? Bool == true)
        #expect(try ClientMetadata(registered: metadata.json) == metadata)
    }

    @Test("without them: no pinned algorithm, no DPoP demanded, nothing written")
    func notPinned() throws {
        let metadata = try Self.parse(#"{"grant_types":["client_credentials"],"dpop_bound_access_tokens":false}"#)
        #expect(metadata.tokenEndpointAuthSigningAlgorithm == nil)
        let client = metadata.client(id: "c", secretHash: nil)
        #expect(client.tokenEndpointAuthSigningAlgorithm == nil && !client.requiresDPoP)
        #expect(!String(decoding: metadata.json, as: UTF8.self).contains("token_endpoint_auth_signing_alg"))
    }

    @Test("an array longer than the input limits is refused")
    func boundedArrays() {
        let uris = (0..<65).map { #""https://a.example.com/\#($0)""# }.joined(separator: ",")
        #expect(throws: OAuthError.invalidClientMetadata("redirect_uris must be an array of strings")) {
            try Self.parse(#"{"redirect_uris":[\#(uris)]}"#)
        }
    }
}
