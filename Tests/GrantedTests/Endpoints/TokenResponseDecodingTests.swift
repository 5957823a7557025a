import Foundation
import Granted
import GrantedTesting
import Testing

/// Clients of the API decode `TokenResponse` instead of parsing JSON by hand: real responses of
/// each grant, and the malformed ones.
@Suite("TokenResponse decodes real token responses (RFC 6749 §5.1)")
struct TokenResponseDecodingTests {
    static let web = BasicCredentials(clientID: "web", secret: "web-secret")
    static let service = BasicCredentials(clientID: "service", secret: "service-secret")
    static let redirect = "https://app.example.com/cb"

    static func server(accessTokenLifetime: TimeInterval? = 3600) -> AuthorizationServer {
        let hasher = SHA256SecretHasher()
        var policy = Policy()
        policy.accessTokenLifetime = accessTokenLifetime
        return AuthorizationServer(
            issuer: "https://auth.example.com", policy: policy,
            clients: InMemoryClientStore([
                Client(
                    id: web.clientID, authentication: .clientSecret(hasher.hash(web.secret)), redirectURIs: [redirect],
                    grantTypes: [.authorizationCode, .refreshToken]),
                Client(id: service.clientID, authentication: .clientSecret(hasher.hash(service.secret)), grantTypes: [.clientCredentials]),
            ]), clock: ManualClock())
    }

    @Test("client credentials, with and without an expiry", arguments: [3600, nil] as [TimeInterval?])
    func clientCredentials(lifetime: TimeInterval?) async throws {
        let response = await Self.server(accessTokenLifetime: lifetime).token(
            RequestBuilder.clientCredentials(scope: "public", as: .basic(Self.service)))
        let tokens = try TokenResponse(response)
        #expect(tokens.accessToken.hasPrefix("gat_"))
        #expect(tokens.tokenType == "Bearer")
        #expect(tokens.expiresIn == lifetime.map(Int.init))
        #expect(tokens.scopes == [.public])
        #expect(tokens.refreshToken == nil && tokens.idToken == nil)
    }

    @Test("a code exchange and a refresh, client authentication in the header or the body", arguments: [true, false])
    func codeAndRefresh(basic: Bool) async throws {
        let server = Self.server()
        let auth: ClientAuth = basic ? .basic(Self.web) : .body(Self.web)
        let code = try await server.authorizeCode(
            RequestBuilder.codeAuthorization(client: Self.web.clientID, redirectURI: Self.redirect, scope: "profile"),
            subject: "alice")
        let tokens = try TokenResponse(
            await server.token(RequestBuilder.authorizationCode(code, redirectURI: Self.redirect, as: auth)))
        #expect(tokens.scopes == [.profile])
        #expect(tokens.expiresIn == 3600)
        let refresh = try #require(tokens.refreshToken)
        let refreshed = try TokenResponse(await server.token(RequestBuilder.refreshToken(refresh, as: auth)))
        #expect(refreshed.refreshToken != nil && refreshed.refreshToken != refresh)
        #expect(refreshed.accessToken != tokens.accessToken)
    }

    @Test(
        "missing or mistyped members are decoding errors",
        arguments: [
            #"{"token_type":"Bearer"}"#, #"{"access_token":"x"}"#, #"{"access_token":1,"token_type":"Bearer"}"#,
            #"{"access_token":"x","token_type":"Bearer","expires_in":"60"}"#,
            #"{"access_token":"x","token_type":"Bearer","scope":"a  b"}"#,
        ])
    func malformed(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TokenResponse.self, from: Data(json.utf8)) }
    }

    @Test("an error response is not a token response")
    func errorResponse() async {
        let response = await Self.server().token(
            RequestBuilder.clientCredentials(as: .basic(BasicCredentials(clientID: "service", secret: "wrong"))))
        #expect(response.oauthError == "invalid_client")
        #expect(throws: UnexpectedResponse.self) { try TokenResponse(response) }
    }
}
