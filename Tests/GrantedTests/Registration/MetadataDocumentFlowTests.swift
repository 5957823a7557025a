import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// A client known only by its metadata document, through the endpoints as a browser and the
/// client would drive them.
@Suite("Metadata document clients, end to end (draft-ietf-oauth-client-id-metadata-document; RFC 6749 §4.1; RFC 7636)")
struct MetadataDocumentFlowTests {
    static let id = "https://agent.example.com/oauth/client.json"
    static let redirect = "https://agent.example.com/callback"
    static let alice: Subject = "alice"

    struct Flow {
        let clock = ManualClock()
        let source = StaticClientMetadataDocuments()
        let server: AuthorizationServer

        init() {
            source.serve(
                json: StaticClientMetadataDocuments.document(clientID: MetadataDocumentFlowTests.id, redirectURIs: [MetadataDocumentFlowTests.redirect], name: "Agent"),
                at: MetadataDocumentFlowTests.id, cacheControl: "max-age=300")
            let clients = MetadataDocumentClients(registered: TestServer.clients(), source: source, clock: clock)
            server = AuthorizationServer(issuer: TestServer.issuer, clients: clients, clock: clock)
        }
    }

    @Test("a metadata document client gets a code with PKCE, exchanges it as a public client and refreshes")
    func codeFlowWithPKCE() async throws {
        let flow = Flow()
        let pkce = PKCEPair(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        let request = RequestBuilder.codeAuthorization(
            client: ClientID(Self.id), redirectURI: Self.redirect, scope: "public", challenge: pkce)
        let redirect = try await flow.server.approvedRedirect(request, subject: Self.alice)
        #expect(redirect.target == Self.redirect)
        let code = try #require(redirect.code)

        let exchange = RequestBuilder.authorizationCode(
            code, redirectURI: Self.redirect, verifier: pkce.verifier, as: .publicClient(ClientID(Self.id)))
        let tokens = try TokenResponse(await flow.server.token(exchange))
        let refreshToken = try #require(tokens.refreshToken)
        let refreshed = try TokenResponse(
            await flow.server.token(RequestBuilder.refreshToken(refreshToken, as: .publicClient(ClientID(Self.id)))))
        #expect(refreshed.accessToken != tokens.accessToken)
        // One fetch: the token requests were answered from the cache.
        #expect(flow.source.fetches == [Self.id])
    }

    @Test("without a PKCE challenge the request is refused, as for every public client (RFC 9700 §2.1.1)")
    func pkceRequired() async throws {
        let flow = Flow()
        let request = RequestBuilder.codeAuthorization(client: ClientID(Self.id), redirectURI: Self.redirect)
        let validation = await flow.server.validate(request)
        #expect(validation.redirected?.error != nil)
    }

    @Test(
        "an unknown, unreachable or invalid document never redirects at the authorization endpoint (§5.1; RFC 6749 §4.1.2.1)",
        arguments: [
            "https://agent.example.com/missing.json",  // nothing served: the fetch fails
            "https://agent.example.com/other.json",  // served, but names another client_id
            "https://agent.example.com/secret.json",  // carries a client secret
        ])
    func neverRedirects(_ id: String) async throws {
        let flow = Flow()
        flow.source.serve(
            json: StaticClientMetadataDocuments.document(clientID: Self.id, redirectURIs: [Self.redirect]),
            at: "https://agent.example.com/other.json")
        flow.source.serve(
            json: StaticClientMetadataDocuments.document(
                clientID: "https://agent.example.com/secret.json", redirectURIs: [Self.redirect], extra: #""client_secret":"s""#),
            at: "https://agent.example.com/secret.json")
        let pkce = PKCEPair(verifier: String(repeating: "v", count: 43))
        let request = RequestBuilder.codeAuthorization(client: ClientID(id), redirectURI: Self.redirect, challenge: pkce)
        let validation = await flow.server.validate(request)
        #expect(validation.userFacingError != nil, "\(validation)")
    }

    @Test("a redirect URI the document does not list is refused to the user, never redirected")
    func unregisteredRedirect() async throws {
        let flow = Flow()
        let pkce = PKCEPair(verifier: String(repeating: "v", count: 43))
        let request = RequestBuilder.codeAuthorization(
            client: ClientID(Self.id), redirectURI: "https://evil.example.com/callback", challenge: pkce)
        #expect(await flow.server.validate(request).userFacingError != nil)
    }

    @Test("at the token endpoint an unresolvable client is invalid_client")
    func tokenEndpointUnknown() async throws {
        let flow = Flow()
        let exchange = RequestBuilder.authorizationCode(
            "gac_x", redirectURI: Self.redirect, verifier: String(repeating: "v", count: 43),
            as: .publicClient("https://agent.example.com/missing.json"))
        let response = await flow.server.token(exchange)
        #expect(response.status == 401)
        #expect(response.oauthError == "invalid_client")
    }

    @Test("a secret sent by a metadata document client is refused: it is public (§4.1)")
    func secretRefused() async throws {
        let flow = Flow()
        let response = await flow.server.token(
            RequestBuilder.clientCredentials(as: .basic(BasicCredentials(clientID: ClientID(Self.id), secret: "guess"))))
        #expect(response.oauthError == "invalid_client")
    }

    @Test(
        "both metadata documents advertise client_id_metadata_document_supported only when configured (§6)",
        arguments: ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])
    func metadataFlag(_ path: String) throws {
        // One document serves both paths (OpenID Connect's only when ID tokens are signed).
        let withDocuments = Flow().server.metadata(OAuthRequest(method: .get, path: path))
        #expect(try withDocuments.jsonObject()["client_id_metadata_document_supported"] as? Bool == true)
        let (plain, _) = TestServer.make()
        let without = plain.metadata(OAuthRequest(method: .get, path: path))
        #expect(try without.jsonObject()["client_id_metadata_document_supported"] == nil)
    }
}
