import Foundation
import Testing
@testable import Granted
import GrantedTesting

@Suite("Registered clients in every flow their grant types allow (RFC 7591; RFC 6749 §4.1, §4.4; RFC 7636)")
struct DynamicRegistrationFlowTests {
    typealias H = RegistrationHarness

    @Test("a registered public client completes a code flow, with PKCE S256 required")
    func publicClientCodeFlow() async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        let id = ClientID(registered.clientID)
        let flow = harness.flow
        // Without a challenge the request is refused: a public client must use PKCE.
        let withoutPKCE = await flow.validate(CodeFlow.codeRequest(client: id, redirectURI: H.redirect))
        #expect(withoutPKCE.request == nil)
        let vector = try PKCEVector.rfc7636()
        let code = try await flow.code(
            CodeFlow.codeRequest(client: id, redirectURI: H.redirect, challenge: vector.challenge))
        let tokens = try CodeFlow.Tokens(
            await flow.exchange(code, as: .publicClient(id), redirectURI: H.redirect, verifier: vector.verifier))
        let grant = try #require(await flow.check(tokens.accessToken).grant)
        #expect(grant.client == id)
        #expect(grant.subject == CodeFlow.alice)
    }

    @Test("a registered confidential client uses its issued secret for client credentials and a code flow")
    func confidentialClient() async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let response = await harness.server.token(
            RequestBuilder.clientCredentials(scope: "profile", as: .basic(registered.credentials)))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(try response.jsonObject()["scope"] as? String == "profile")
        // Its registered method is client_secret_basic: the body is refused (RFC 7591 §2).
        let viaBody = await harness.server.token(RequestBuilder.clientCredentials(as: .body(registered.credentials)))
        #expect(viaBody.status == 401)
        // A scope it did not register is refused.
        let wider = await harness.server.token(RequestBuilder.clientCredentials(scope: "email", as: .basic(registered.credentials)))
        #expect(wider.errorCode == "invalid_scope")

        let id = ClientID(registered.clientID)
        let code = try await harness.flow.code(CodeFlow.codeRequest(client: id, redirectURI: H.redirect, scope: "public"))
        let tokens = try CodeFlow.Tokens(
            await harness.flow.exchange(code, as: .basic(registered.credentials), redirectURI: H.redirect))
        #expect(tokens.refreshToken != nil)
    }

    @Test("a registered client's JWT methods are stored but cannot authenticate yet")
    func jwtMethodsStored() async throws {
        let harness = H()
        let registered = try await harness.register(#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_jwt"}"#)
        #expect(registered.secret != nil)
        for caller in [ClientAuth.basic(registered.credentials), .body(registered.credentials)] {
            #expect(await harness.server.token(RequestBuilder.clientCredentials(as: caller)).status == 401)
        }
    }
}
