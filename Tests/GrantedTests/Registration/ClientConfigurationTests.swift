import Foundation
import Testing
@testable import Granted
import GrantedTesting

@Suite("Client configuration endpoint (RFC 7592 §2)")
struct ClientConfigurationTests {
    typealias H = RegistrationHarness

    @Test("GET reads the registration: the same document, without the secret, with a new registration token (§2.1, §3)")
    func read() async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let response = try #require(await harness.server.handle(H.configuration(.get, registered.uri, token: registered.accessToken)))
        #expect(response.status == 200)
        #expect(response.isNotCacheable)
        let document = try response.jsonObject()
        #expect(document["client_id"] as? String == registered.clientID)
        #expect(document["client_secret"] == nil)
        // §3: registration_access_token is REQUIRED; only digests are kept, so the read rotates it.
        let rotated = try #require(document["registration_access_token"] as? String)
        #expect(rotated != registered.accessToken && rotated.hasPrefix("grg_"))
        let stale = await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: registered.accessToken))
        #expect(stale.status == 401)
        let again = await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: rotated))
        #expect(again.status == 200)
        #expect(document["registration_client_uri"] as? String == registered.uri)
        for name in ["client_id_issued_at", "client_secret_expires_at", "redirect_uris", "grant_types", "response_types",
            "token_endpoint_auth_method", "scope"]
        {
            #expect("\(document[name] ?? "absent")" == "\(registered[name] ?? "absent")", "\(name)")
        }
    }

    @Test("a missing or wrong token, or an unknown client, is the same 401 with a Bearer challenge (§2.1, §2.2, §2.3)",
        arguments: [OAuthRequest.Method.get, .put, .delete])
    func unauthorized(_ method: OAuthRequest.Method) async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        let other = try await harness.register(H.publicClient)
        let body = #"{"client_id":"\#(registered.clientID)","redirect_uris":["\#(H.redirect)"],"token_endpoint_auth_method":"none"}"#
        let cases: [(String, String?)] = [
            (registered.uri, nil), (registered.uri, "grg_wrong"), (registered.uri, other.accessToken),
            ("https://auth.example.com/register/unknown", registered.accessToken),
            (registered.uri, registered.accessToken.uppercased()),
        ]
        for (uri, token) in cases {
            let response = try #require(await harness.server.handle(H.configuration(method, uri, token: token, body: body)))
            #expect(response.status == 401, "\(uri) \(token ?? "-")")
            let challenge = try #require(response.headers["WWW-Authenticate"])
            #expect(challenge.hasPrefix("Bearer"))
            #expect(challenge.contains(#"error="invalid_token""#) == (token != nil))
        }
        // Nothing changed.
        #expect(await harness.server.handle(H.configuration(.get, registered.uri, token: registered.accessToken))?.status == 200)
    }

    @Test("the Bearer scheme is case-insensitive (RFC 9110 §11.1)")
    func schemeCase() async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        var request = H.configuration(.get, registered.uri, token: nil)
        request.headers.append("Authorization", "bEaReR \(registered.accessToken)")
        #expect(await harness.server.clientConfiguration(request).status == 200)
    }

    @Test("PUT replaces the metadata; omitted members are deleted; the secret is kept and the token rotated (§2.2)")
    func replace() async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let body = #"{"client_id":"\#(registered.clientID)","client_secret":"\#(registered.secret ?? "")","redirect_uris":["https://new.example.com/cb"],"grant_types":["authorization_code"],"client_name":"Renamed","token_endpoint_auth_method":"client_secret_post","registration_client_uri":"\#(registered.uri)","registration_access_token":"\#(registered.accessToken)","client_id_issued_at":\#(registered["client_id_issued_at"] as? Int ?? 0),"client_secret_expires_at":0}"#
        let response = await harness.server.clientConfiguration(H.configuration(.put, registered.uri, token: registered.accessToken, body: body))
        #expect(response.status == 200, "\(response.bodyText)")
        let document = try response.jsonObject()
        #expect(document["redirect_uris"] as? [String] == ["https://new.example.com/cb"])
        #expect(document["client_name"] as? String == "Renamed")
        #expect(document["scope"] == nil)
        #expect(document["client_secret"] == nil)
        #expect(document["token_endpoint_auth_method"] as? String == "client_secret_post")
        let newToken = try #require(document["registration_access_token"] as? String)
        #expect(newToken != registered.accessToken)
        // The old token is gone, the new one reads; the secret still authenticates, by the new method only.
        #expect(await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: registered.accessToken)).status == 401)
        #expect(await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: newToken)).status == 200)
        let client = try #require(try await harness.server.clients.client(ClientID(registered.clientID)))
        #expect(client.redirectURIs == ["https://new.example.com/cb"])
        #expect(client.grantTypes == [.authorizationCode])
        #expect(client.accepts(.clientSecretPost) && !client.accepts(.clientSecretBasic))
        #expect(harness.server.verifySecret(registered.secret ?? "", of: client.id, against: try #require(client.secretHash)))
    }

    @Test("PUT turning a public client confidential issues a secret once (§2.2)")
    func replaceIssuesSecret() async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        let body = #"{"client_id":"\#(registered.clientID)","grant_types":["client_credentials"]}"#
        let response = await harness.server.clientConfiguration(H.configuration(.put, registered.uri, token: registered.accessToken, body: body))
        let document = try response.jsonObject()
        let secret = try #require(document["client_secret"] as? String)
        #expect(document["client_secret_expires_at"] as? Int == 0)
        let token = await harness.server.token(RequestBuilder.clientCredentials(as: .basic(BasicCredentials(clientID: ClientID(registered.clientID), secret: secret))))
        #expect(token.status == 200)
    }

    @Test("PUT must name the client's own client_id and may not change server-issued members (§2.2)", arguments: [
        #"{"redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"someone-else","redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","client_secret":"not-the-secret","redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","registration_access_token":"grg_other","redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","registration_client_uri":"https://evil.example/register/x","redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","client_id_issued_at":1,"redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","client_secret_expires_at":99,"redirect_uris":["https://registered.example.com/callback"]}"#,
        #"{"client_id":"$ID","redirect_uris":["http://evil.example.com/cb"]}"#,
        #"{"client_id":"$ID","grant_types":["password"]}"#,
    ])
    func replaceRefused(_ template: String) async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let body = template.replacingOccurrences(of: "$ID", with: registered.clientID)
        let response = await harness.server.clientConfiguration(H.configuration(.put, registered.uri, token: registered.accessToken, body: body))
        #expect(response.status == 400)
        #expect(["invalid_client_metadata", "invalid_redirect_uri"].contains(response.errorCode ?? ""), "\(response.bodyText)")
        // The registration and its token are unchanged.
        let read = await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: registered.accessToken))
        #expect(try read.jsonObject()["redirect_uris"] as? [String] == [H.redirect])
    }

    @Test("DELETE removes the client: 204, then invalid_client at the token endpoint and 401 here (§2.3)")
    func delete() async throws {
        let harness = H()
        let registered = try await harness.register(H.confidentialClient)
        let before = await harness.server.token(RequestBuilder.clientCredentials(as: .basic(registered.credentials)))
        #expect(before.status == 200)
        let response = try #require(await harness.server.handle(H.configuration(.delete, registered.uri, token: registered.accessToken)))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        for caller in [ClientAuth.basic(registered.credentials), .body(registered.credentials)] {
            let after = await harness.server.token(RequestBuilder.clientCredentials(as: caller))
            #expect(after.status == 401 && after.errorCode == "invalid_client")
        }
        let again = await harness.server.clientConfiguration(H.configuration(.get, registered.uri, token: registered.accessToken))
        #expect(again.status == 401)
        #expect(try await harness.server.clients.client(ClientID(registered.clientID)) == nil)
    }

    @Test("only GET, PUT and DELETE", arguments: [OAuthRequest.Method.post, .patch])
    func methods(_ method: OAuthRequest.Method) async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        let response = await harness.server.clientConfiguration(H.configuration(method, registered.uri, token: registered.accessToken))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, PUT, DELETE")
    }

    @Test("concurrent replaces and deletes with one token: exactly one wins, the rest are 401", arguments: [0, 1, 2])
    func atomicChanges(seed: Int) async throws {
        let harness = H()
        let registered = try await harness.register(H.publicClient)
        let put = #"{"client_id":"\#(registered.clientID)","redirect_uris":["\#(H.redirect)"],"token_endpoint_auth_method":"none"}"#
        let (uri, token) = (registered.uri, registered.accessToken)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                let method: OAuthRequest.Method = (index + seed) % 3 == 0 ? .delete : .put
                group.addTask {
                    await harness.server.clientConfiguration(
                        H.configuration(method, uri, token: token, body: method == .put ? put : nil)
                    ).status
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 || $0 == 204 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 401 }.count == 7)
    }
}
