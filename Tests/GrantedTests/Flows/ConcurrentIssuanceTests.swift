import Testing

@_spi(Benchmarks) @testable import Granted

@Suite("Concurrent token issuance")
struct ConcurrentIssuanceTests {
    @Test("1,000 concurrent client credentials requests all get distinct tokens that verify (RFC 6749 §4.4)")
    func thousandRequests() async throws {
        let (server, store) = TestServer.make()
        let requests = 1_000
        let responses = await withTaskGroup(of: OAuthResponse.self) { group in
            for index in 0..<requests {
                // Half authenticate with HTTP Basic, half with client_secret_post (RFC 6749 §2.3.1).
                let request =
                    index.isMultiple(of: 2)
                    ? TestServer.clientCredentials()
                    : TestServer.tokenRequest([
                        ("grant_type", "client_credentials"), ("client_id", "service"),
                        ("client_secret", TestServer.service.secret),
                    ])
                group.addTask { await server.token(request) }
            }
            return await group.reduce(into: [OAuthResponse]()) { $0.append($1) }
        }
        #expect(responses.count == requests)
        #expect(responses.allSatisfy { $0.status == 200 })
        let tokens = try responses.map { try #require($0.jsonObject()["access_token"] as? String) }
        #expect(Set(tokens).count == requests)
        #expect(store.accessTokenCount == requests)

        let resourceGuard = server.resourceGuard()
        let verified = await withTaskGroup(of: Bool.self) { group in
            for token in tokens {
                let request = TestServer.resourceRequest(["Authorization": "Bearer " + token])
                group.addTask { await resourceGuard.check(request, requiring: [.public]).grant != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(verified == requests)
    }
}
