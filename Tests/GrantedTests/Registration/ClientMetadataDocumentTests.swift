import Foundation
import Testing
@testable import Granted
import GrantedTesting

@Suite("Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document §4, §4.1)")
struct ClientMetadataDocumentTests {
    static let id = "https://client.example.com/oauth/metadata.json"
    static let url = ClientIdentifierURL(id)!
    static let redirect = "https://client.example.com/callback"

    static func document(_ members: String) -> [UInt8] { Array(("{" + members + "}").utf8) }
    static let base = #""client_id":"\#(id)","redirect_uris":["\#(redirect)"]"#

    @Test("the smallest document is a public code client that must use PKCE (RFC 7591 §2 defaults)")
    func minimal() throws {
        let document = try ClientMetadataDocument(json: Self.document(Self.base), from: Self.url)
        let client = document.client
        #expect(client.id == ClientID(Self.id))
        #expect(client.authentication == .none)
        #expect(!client.isConfidential && client.requiresPKCE)
        #expect(client.redirectURIs == [Self.redirect])
        #expect(client.grantTypes == [.authorizationCode])
        #expect(client.allowedScopes == nil)
        #expect(client.name == "client.example.com")
    }

    @Test("a full document keeps its name, grants, scopes and every redirect URI")
    func full() throws {
        let json = #"""
            "client_id":"\#(Self.id)","client_name":"Example Agent","client_uri":"https://client.example.com",
            "logo_uri":"https://client.example.com/logo.png",
            "redirect_uris":["\#(Self.redirect)","http://127.0.0.1:33418/callback","com.example.agent:/cb"],
            "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
            "token_endpoint_auth_method":"none","scope":"openid profile",
            "jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}
            """#
        let client = try ClientMetadataDocument(json: Self.document(json), from: Self.url).client
        #expect(client.name == "Example Agent")
        #expect(client.redirectURIs.count == 3)
        #expect(client.grantTypes == [.authorizationCode, .refreshToken])
        #expect(client.allowedScopes == [.openid, .profile])
    }

    static func with(_ members: String) -> String { base + members }

    static let refusals: [(String, ClientMetadataDocument.Problem)] = [
        ("", ClientMetadataDocument.Problem.clientIDMismatch),
        (#""client_id":"https://other.example.com/oauth/metadata.json","redirect_uris":["\#(redirect)"]"#, .clientIDMismatch),
        (#""client_id":"https://client.example.com:443/oauth/metadata.json","redirect_uris":["\#(redirect)"]"#, .clientIDMismatch),
        (#""client_id":42,"redirect_uris":["\#(redirect)"]"#, .clientIDMismatch),
        (with(#","client_secret":"s3cret""#), .secretPresent),
        (with(#","client_secret_expires_at":0"#), .secretPresent),
        (with(#","token_endpoint_auth_method":"client_secret_basic""#), .sharedSecretMethod),
        (with(#","token_endpoint_auth_method":"client_secret_post""#), .sharedSecretMethod),
        (with(#","token_endpoint_auth_method":"client_secret_jwt""#), .sharedSecretMethod),
        (with(#","token_endpoint_auth_method":"private_key_jwt""#), .unsupportedAuthenticationMethod),
        (with(#","token_endpoint_auth_method":"tls_client_auth""#), .unsupportedAuthenticationMethod),
        (with(#","token_endpoint_auth_method":7"#), .malformedMember("token_endpoint_auth_method")),
        (with(#","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c"}]}"#), .privateKeyMaterial),
        (with(#","jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#), .privateKeyMaterial),
        (with(#","jwks":"nope""#), .malformedMember("jwks")),
        (#""client_id":"\#(id)""#, .invalidRedirectURI),
        (#""client_id":"\#(id)","redirect_uris":[]"#, .invalidRedirectURI),
        (#""client_id":"\#(id)","redirect_uris":["https://client.example.com/cb#frag"]"#, .invalidRedirectURI),
        (#""client_id":"\#(id)","redirect_uris":["javascript:alert(1)"]"#, .invalidRedirectURI),
        (#""client_id":"\#(id)","redirect_uris":["/relative"]"#, .invalidRedirectURI),
        (#""client_id":"\#(id)","redirect_uris":"\#(redirect)""#, .malformedMember("redirect_uris")),
        (#""client_id":"\#(id)","redirect_uris":[1]"#, .malformedMember("redirect_uris")),
        (with(#","grant_types":["client_credentials"]"#), .unsupportedGrantType),
        (with(#","grant_types":["authorization_code","implicit"]"#), .unsupportedGrantType),
        (with(#","grant_types":["refresh_token"]"#), .unsupportedGrantType),
        (with(#","response_types":["token"]"#), .unsupportedGrantType),
        (with(#","scope":"a  b""#), .malformedScope),
        (with(#","client_name":["x"]"#), .malformedMember("client_name")),
    ]

    @Test("a document that breaks a rule is refused, naming the rule", arguments: refusals)
    func refused(_ members: String, _ problem: ClientMetadataDocument.Problem) {
        #expect(throws: problem) { try ClientMetadataDocument(json: Self.document(members), from: Self.url) }
    }

    @Test("bytes that are not a JSON object are refused", arguments: ["", "[]", "null", "\"x\"", "{", "{\"a\":}", "\u{FF}"])
    func notAnObject(_ text: String) {
        #expect(throws: ClientMetadataDocument.Problem.notAJSONObject) {
            try ClientMetadataDocument(json: Array(text.utf8), from: Self.url)
        }
    }

    @Test("only a 200 is a document, and none longer than the limit is read (§5; §8.7)", arguments: [201, 301, 302, 304, 404, 500])
    func status(_ status: Int) {
        let fetched = FetchedClientMetadataDocument(status: status, body: Self.document(Self.base))
        #expect(throws: ClientMetadataDocument.Problem.status(status)) { try ClientMetadataDocument(fetched, from: Self.url) }
    }

    @Test("a document over 5 kilobytes is refused (§8.7)")
    func tooLarge() throws {
        let padding = #","client_name":""# + String(repeating: "a", count: 5 * 1024) + "\""
        let fetched = FetchedClientMetadataDocument(status: 200, body: Self.document(Self.base + padding))
        #expect(throws: ClientMetadataDocument.Problem.tooLarge) { try ClientMetadataDocument(fetched, from: Self.url) }
        #expect(throws: Never.self) { try ClientMetadataDocument(fetched, from: Self.url, sizeLimit: 8 * 1024) }
    }

    @Test(
        "freshness comes from Cache-Control and Age (RFC 9111 §5.2.2, §4.2.3)",
        arguments: [
            (nil, nil, FetchedClientMetadataDocument.Freshness.unspecified),
            ("max-age=600", nil, .lifetime(600)),
            ("public, max-age=\"600\"", nil, .lifetime(600)),
            ("Max-Age=600", "100", .lifetime(500)),
            ("max-age=60", "100", .lifetime(0)),
            ("max-age=600, no-store", nil, .noStore),
            ("no-cache", nil, .noStore),
            ("private", nil, .unspecified),
            ("max-age=-1", nil, .unspecified),
            ("max-age=abc", nil, .unspecified),
            ("max-age=99999999999999999999", nil, .lifetime(2_147_483_648)),
        ] as [(String?, String?, FetchedClientMetadataDocument.Freshness)])
    func freshness(_ cacheControl: String?, _ age: String?, _ expected: FetchedClientMetadataDocument.Freshness) {
        #expect(FetchedClientMetadataDocument.Freshness(cacheControl: cacheControl, age: age) == expected)
    }

    @Test("the helper's documents are valid ones")
    func helper() throws {
        let json = StaticClientMetadataDocuments.document(clientID: Self.id, redirectURIs: [Self.redirect], name: "A \"quoted\" name")
        let client = try ClientMetadataDocument(json: Array(json.utf8), from: Self.url).client
        #expect(client.name == "A \"quoted\" name")
        #expect(client.grantTypes == [.authorizationCode, .refreshToken])
    }
}
