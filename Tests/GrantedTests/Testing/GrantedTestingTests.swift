import Foundation
import Granted
import GrantedTesting
import Testing

/// The small tools of GrantedTesting: seeded randomness, fault injection, registrations in code.
@Suite("GrantedTesting tools")
struct GrantedTestingTests {
    @Test("SeededRandom answers the same bytes for the same seed, others for another", arguments: [0, 1, 99] as [UInt64])
    func seeded(seed: UInt64) {
        #expect(SeededRandom(seed: seed).bytes(37) == SeededRandom(seed: seed).bytes(37))
        #expect(SeededRandom(seed: seed).bytes(32) != SeededRandom(seed: seed + 1).bytes(32))
    }

    @Test("a fault before the write leaves the store unchanged; after it, the write is kept", arguments: [
        FaultInjectingStore.Timing.beforeWrite, .afterWrite,
    ])
    func fault(timing: FaultInjectingStore.Timing) async throws {
        let store = FaultInjectingStore(InMemoryGrantStore())
        let token = AccessToken(client: "c", subject: nil, scopes: [.public], issuedAt: Date(), expiresAt: nil)
        let digest = Digest256(hashing: "gat_x")
        store.arm(call: 0, timing: timing)
        await #expect(throws: FaultInjectingStore.InjectedFault.self) { try await store.insert(token, at: digest) }
        let fired = try #require(store.disarm())
        #expect(fired.call == 0 && fired.timing == timing)
        let kept = try await store.accessToken(at: digest) != nil
        #expect(kept == (timing == .afterWrite))
        #expect(store.faultsFired == 1)
    }

    @Test("ClientRegistration built in code becomes the same client as its JSON")
    func registration() throws {
        let built = ClientRegistration(
            clientID: "web", clientSecret: "s3cret", redirectURIs: ["https://app.example.com/cb"],
            grantTypes: ["authorization_code"], scope: "public profile")
        let json = #"{"client_id":"web","client_secret":"s3cret","redirect_uris":["https://app.example.com/cb"],"grant_types":["authorization_code"],"scope":"public profile"}"#
        let decoded = try JSONDecoder().decode(ClientRegistration.self, from: Data(json.utf8))
        #expect(built == decoded)
        let client = try built.client(hashingWith: SHA256SecretHasher())
        #expect(client.isConfidential && client.allowedScopes == [.public, .profile])
        #expect(throws: ClientRegistration.Problem.secretDoesNotMatchMethod) {
            try ClientRegistration(clientID: "spa", grantTypes: [], tokenEndpointAuthMethod: "client_secret_basic")
                .client(hashingWith: SHA256SecretHasher())
        }
    }

    @Test("a denied approval is a redirect without a code, which authorizeCode reports")
    func deniedApproval() async throws {
        let server = AuthorizationServer(
            issuer: "https://auth.example.com",
            clients: InMemoryClientStore([
                Client(id: "spa", redirectURIs: ["https://spa.example.com/cb"], grantTypes: [.authorizationCode])
            ]), clock: ManualClock())
        let request = RequestBuilder.codeAuthorization(
            client: "spa", redirectURI: "https://spa.example.com/cb", challenge: PKCEPair(verifier: String(repeating: "v", count: 43)))
        let redirect = try await server.approvedRedirect(request, subject: "alice", scopes: [])
        #expect(redirect.error == "access_denied" && redirect.state == "xyz" && redirect.mode == .query)
        await #expect(throws: UnexpectedResponse.self) {
            try await server.authorizeCode(request, subject: "alice", scopes: [])
        }
        #expect(try await server.authorizeCode(request, subject: "alice").hasPrefix("gac_"))
    }
}
