import Foundation
import Testing

@testable import Granted

/// Outside review, finding 4: under the default access, any confidential client could introspect
/// any token, and learn its user's name (RFC 7662 §4).
@Suite("Outside review 4: who may introspect what, by default (RFC 7662 §2.1, §4)")
struct IntrospectionAccessTests {
    /// The server's default access (nil), with `RevocationFlow.resourceServer` registered as a resource server.
    let flow = RevocationFlow(claims: IntrospectionTests.directory, introspectionAccess: nil)

    @Test("RFC 7662 §4: by default a client may introspect the access and refresh tokens issued to it, with its user's name")
    func ownTokens() async throws {
        let tokens = try await flow.signIn(scope: "public")
        for token in [tokens.accessToken, try #require(tokens.refreshToken)] {
            let json = try await flow.introspection(of: token, as: CodeFlow.web)
            #expect(json["active"] as? Bool == true)
            #expect(json["client_id"] as? String == CodeFlow.webApp.clientID.rawValue)
            #expect(json["username"] as? String == "alice.liddell")
        }
        let app = try await flow.appToken()
        #expect(try await flow.introspection(of: app, as: .service)["active"] as? Bool == true)
    }

    @Test(
        "RFC 7662 §4: by default another client learns nothing of a token not issued to it: exactly {\"active\":false}, no username",
        arguments: [PresentedToken.appAccessToken, .userAccessToken, .refreshToken])
    func otherClientsTokens(_ kind: PresentedToken) async throws {
        let (token, _) = try await kind.issue(flow)
        for intruder in [CodeFlow.other, kind == .appAccessToken ? CodeFlow.web : .service] {
            let response = await flow.introspect(token, as: intruder)
            #expect(response.status == 200)
            #expect(response.bodyText == RevocationFlow.inactiveBody, "\(intruder) introspected \(kind)")
        }
        // The owner still sees it: refusing the intruder changed nothing.
        #expect(await flow.verifies(token) || kind == .refreshToken)
    }

    @Test("RFC 7662 §4: a client registered as a resource server may introspect access tokens, never refresh tokens of others")
    func resourceServer() async throws {
        let tokens = try await flow.signIn(scope: "public")
        let access = try await flow.introspection(of: tokens.accessToken)
        #expect(access["active"] as? Bool == true)
        #expect(access["username"] as? String == "alice.liddell")
        #expect(try await flow.introspection(of: try await flow.appToken())["active"] as? Bool == true)
        #expect(await flow.introspect(try #require(tokens.refreshToken)).bodyText == RevocationFlow.inactiveBody)
    }

    @Test("RFC 7662 §4: a user's API key introspects as {\"active\":false} for every client by default")
    func apiKeys() async throws {
        let (key, _) = try await flow.server.createAPIKey(for: CodeFlow.alice, name: "cli")
        for caller in [CodeFlow.Caller.resourceServer, CodeFlow.web, .service] {
            #expect(await flow.introspect(key, as: caller).bodyText == RevocationFlow.inactiveBody, "\(caller)")
        }
    }

    @Test("RFC 7662 §2.1: the former default stays available as IntrospectionAccess.confidentialClients")
    func wideModeIsExplicit() async throws {
        let wide = RevocationFlow(claims: IntrospectionTests.directory, introspectionAccess: .confidentialClients)
        let tokens = try await wide.signIn(scope: "public")
        let json = try await wide.introspection(of: try #require(tokens.refreshToken), as: CodeFlow.other)
        #expect(json["active"] as? Bool == true)
        #expect(json["username"] as? String == "alice.liddell")
    }

    @Test("RFC 7662 §4: a client file marks resource servers with \"resource_server\": true")
    func registrationField() throws {
        let json = Data(#"[{"client_id":"api","client_secret":"s","grant_types":[],"resource_server":true},{"client_id":"app","client_secret":"s","grant_types":[]}]"#.utf8)
        let registrations = try JSONDecoder().decode([ClientRegistration].self, from: json)
        let clients = try registrations.map { try $0.client(hashingWith: SHA256SecretHasher()) }
        #expect(clients.map(\.isResourceServer) == [true, false])
    }
}
