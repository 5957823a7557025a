import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// JWT client authentication (RFC 7523 §2.2) at the pushed authorization request endpoint:
/// "the rules for client authentication as defined for token endpoint requests ... apply for the
/// PAR endpoint as well" (RFC 9126 §2), and its audience rule.
@Suite("Pushed authorization requests with JWT client authentication (RFC 9126 §2; RFC 7523)")
struct PushedAuthorizationAssertionTests {
    static let redirect = "https://jwt.example.com/callback"
    static let parEndpoint = AssertionFixtures.issuer + "/par"

    /// `AssertionFixtures`' two kinds of assertion client, allowed the code grant.
    static func server(
        clock: ManualClock = ManualClock(AssertionFixtures.start), policy: Policy = Policy()
    ) -> AuthorizationServer {
        let clients = AssertionFixtures.clients()
        for id in [AssertionFixtures.secretClient, AssertionFixtures.keyClient] {
            guard var client = clients.lookup(id) else { continue }
            client.grantTypes = [.authorizationCode]
            client.redirectURIs = [redirect]
            clients.register(client)
        }
        return AuthorizationServer(
            issuer: AssertionFixtures.issuer, policy: policy, clients: clients, store: InMemoryGrantStore(), clock: clock,
            serverKey: AssertionFixtures.serverKey, publicKeyVerification: StandInKeyVerification())
    }

    static func signer(for client: ClientID) throws -> any Signer {
        client == AssertionFixtures.keyClient
            ? AssertionFixtures.signer(AssertionFixtures.ecKey, .es256) : try AssertionFixtures.secretSigner()
    }

    static func push(
        _ server: AuthorizationServer, client: ClientID, assertion: String, extra: [(String, String?)] = []
    ) async -> OAuthResponse {
        await server.pushedAuthorizationRequest(
            RequestBuilder.form(
                "/par",
                CodeFlow.codeRequest(client: client, redirectURI: redirect, scope: "public").filter { $0.0 != "client_id" }
                    + extra,
                as: .assertion(assertion, clientID: client, sendsClientID: true)))
    }

    static let clients = [AssertionFixtures.secretClient, AssertionFixtures.keyClient]

    /// Each audience and whether the push authenticates: §2 "the authorization server MUST accept
    /// its issuer identifier, token endpoint URL, or pushed authorization request endpoint URL".
    static let audiences: [(audience: String, accepted: Bool)] = [
        (AssertionFixtures.issuer, true),
        (AssertionFixtures.tokenEndpoint, true),
        (parEndpoint, true),
        (AssertionFixtures.issuer + "/authorize", false),
        ("https://other.example.com/par", false),
    ]

    @Test("client_secret_jwt and private_key_jwt push, with each audience the AS MUST accept (§2)",
        arguments: clients, audiences.indices)
    func audience(client: ClientID, index: Int) async throws {
        let (audience, accepted) = Self.audiences[index]
        var claims = AssertionFixtures.claims(client)
        claims.audience = [audience]
        let server = Self.server()
        let response = await Self.push(server, client: client, assertion: AssertionFixtures.sign(claims, try Self.signer(for: client)))
        #expect(response.status == (accepted ? 201 : 401), "\(audience): \(response.bodyText)")
        #expect(response.errorCode == (accepted ? nil : "invalid_client"))
    }

    @Test(
        "under .issuerOnly a push takes the issuer alone: RFC 10070 replaces §2's MUST accept the endpoint URLs",
        arguments: clients, audiences.indices)
    func issuerOnly(client: ClientID, index: Int) async throws {
        let audience = Self.audiences[index].audience
        var policy = Policy()
        policy.clientAssertionAudience = .issuerOnly
        var claims = AssertionFixtures.claims(client)
        claims.audience = [audience]
        let server = Self.server(policy: policy)
        let response = await Self.push(server, client: client, assertion: AssertionFixtures.sign(claims, try Self.signer(for: client)))
        let accepted = audience == AssertionFixtures.issuer
        #expect(response.status == (accepted ? 201 : 401), "\(audience): \(response.bodyText)")
        #expect(response.errorCode == (accepted ? nil : "invalid_client"))
    }

    @Test("an assertion pushes once: a replayed jti is invalid_client and pushes nothing (§2; RFC 7523 §3)",
        arguments: clients)
    func replay(client: ClientID) async throws {
        let server = Self.server()
        let assertion = AssertionFixtures.sign(AssertionFixtures.claims(client), try Self.signer(for: client))
        #expect(await Self.push(server, client: client, assertion: assertion).status == 201)
        let again = await Self.push(server, client: client, assertion: assertion)
        #expect(again.status == 401)
        #expect(again.errorCode == "invalid_client")
    }

    @Test("an assertion signed for another client, or by no key, does not push (§2)", arguments: clients)
    func wrongSigner(client: ClientID) async throws {
        let other = client == AssertionFixtures.keyClient ? AssertionFixtures.secretClient : AssertionFixtures.keyClient
        let server = Self.server()
        let forged = AssertionFixtures.sign(AssertionFixtures.claims(client), try Self.signer(for: other))
        #expect(await Self.push(server, client: client, assertion: forged).errorCode == "invalid_client")
    }

    @Test("the assertion is not part of the pushed request, which runs for its client (§2.1, §4)", arguments: clients)
    func assertionNotStored(client: ClientID) async throws {
        let server = Self.server()
        let push = await Self.push(
            server, client: client,
            assertion: AssertionFixtures.sign(AssertionFixtures.claims(client), try Self.signer(for: client)))
        let uri = try #require(try push.jsonObject()["request_uri"] as? String)
        let validation = await server.validate(
            RequestBuilder.authorize([("client_id", client.rawValue), ("request_uri", uri)]))
        let request = try #require(validation.request)
        #expect(request.client.id == client)
        #expect(request.redirectURI == Self.redirect)
        #expect(!request.parameters.contains("client_assertion"))
        #expect(!request.parameters.contains("client_assertion_type"))
    }
}

/// Request objects (RFC 9101) are not supported: §3 makes them optional at the PAR endpoint.
@Suite("Pushed authorization requests without request objects (RFC 9126 §3)")
struct PushedAuthorizationRequestObjectTests {
    @Test("a pushed `request` is request_not_supported, as JSON, and stores nothing (§2.3, §3)")
    func requestRefused() async throws {
        let flow = CodeFlow()
        let response = await flow.push(CodeFlow.codeRequest(extra: [("request", "eyJhbGciOiJub25lIn0.e30.")]))
        #expect(response.status == 400)
        #expect(response.errorCode == "request_not_supported")
        #expect(response.headers["Location"] == nil)
        #expect(try await flow.store.purge(before: .distantFuture) == 0)
    }

    @Test("a `request` beside a request_uri contradicts the pushed request and is refused, never redirected (§4)")
    func requestBesideRequestURI() async throws {
        let flow = CodeFlow()
        let uri = try await flow.requestURI()
        let validation = await flow.authorize(uri, inline: [("request", "eyJhbGciOiJub25lIn0.e30.")])
        #expect(validation.userFacingError?.code == "invalid_request")
        #expect(validation.redirected == nil)
    }
}
