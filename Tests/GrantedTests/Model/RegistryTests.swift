import Foundation
@testable import Granted
import Testing

/// The open registries as raw-value structs (RFC 6749 §8; RFC 9110 §9; RFC 7009 §4.1.2).
@Suite("registries: methods, token type hints, the lists metadata is built from")
struct RegistryTests {
    @Test("HTTP methods carry their registered, case-sensitive names (RFC 9110 §9.1)")
    func methods() throws {
        let all: [OAuthRequest.Method] = [.get, .head, .post, .put, .delete, .connect, .options, .trace, .patch]
        #expect(all.map(\.rawValue) == ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"])
        #expect(OAuthRequest.Method(rawValue: "post") != .post)
        #expect(OAuthRequest.Method(rawValue: "POST") == .post)
        #expect(String(describing: OAuthRequest.Method.options) == "OPTIONS")
        #expect(try JSONDecoder().decode([OAuthRequest.Method].self, from: JSONEncoder().encode(all)) == all)
    }

    @Test("token type hints carry their registered names (RFC 7009 §2.1, RFC 7662 §2.1)")
    func hints() {
        #expect(TokenTypeHint.accessToken.rawValue == "access_token")
        #expect(TokenTypeHint.refreshToken.rawValue == "refresh_token")
    }

    @Test(
        "a hint puts its kind first and leaves the rest in order; an unknown hint changes nothing",
        arguments: [
            (nil, [TokenKind.accessToken, .refreshToken, .apiKey]),
            (TokenTypeHint.accessToken, [.accessToken, .refreshToken, .apiKey]),
            (.refreshToken, [.refreshToken, .accessToken, .apiKey]),
            (TokenTypeHint(rawValue: "api_key"), [.accessToken, .refreshToken, .apiKey]),
            (TokenTypeHint(rawValue: "Refresh_Token"), [.accessToken, .refreshToken, .apiKey]),
        ])
    func lookupOrder(_ hint: TokenTypeHint?, _ order: [TokenKind]) {
        #expect(TokenKind.lookupOrder(hint: hint) == order)
    }

    @Test("the metadata lists come from the registries, and the token endpoint answers exactly its list")
    func metadataLists() async throws {
        #expect(GrantType.tokenEndpoint == [.authorizationCode, .clientCredentials, .refreshToken, .deviceCode])
        #expect(GrantType.supported == GrantType.tokenEndpoint + [.implicit])
        #expect(
            ClientAuthenticationMethod.tokenEndpoint
                == [.clientSecretBasic, .clientSecretPost, .none, .clientSecretJWT, .privateKeyJWT])
        let op = try OIDCProvider()
        let document = try #require(await op.server.handle(OAuthRequest(method: .get, path: MetadataTests.oauthMetadata)))
        let metadata = try document.jsonObject()
        #expect(MetadataTests.strings(metadata["grant_types_supported"]) == GrantType.supported.map(\.rawValue))
        #expect(
            MetadataTests.strings(metadata["token_endpoint_auth_methods_supported"])
                == ClientAuthenticationMethod.tokenEndpoint.filter { $0 != .privateKeyJWT }.map(\.rawValue))
        #expect(
            MetadataTests.strings(metadata["introspection_endpoint_auth_methods_supported"])
                == ["client_secret_basic", "client_secret_post", "client_secret_jwt"])
    }
}
