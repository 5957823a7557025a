import Testing

@_spi(Benchmarks) @testable import Granted

@Suite("Malformed token requests (RFC 6749 §5.2)")
struct MalformedTokenRequestTests {
    @Test("a malformed token request gets an RFC 6749 §5.2 error and changes nothing", arguments: 0..<200)
    func refused(seed: UInt64) async throws {
        let (server, store) = TestServer.make()
        _ = try await TestServer.issueToken(server)
        let before = store.accessTokenCount
        let malformed = MalformedTokenRequest(seed: seed)
        let response = await server.token(malformed.request)
        let kind = Comment(rawValue: "\(malformed.kind)")
        #expect((400..<500).contains(response.status), kind)
        if let status = malformed.status { #expect(response.status == status, kind) }
        let error = try #require(response.errorCode, kind)
        #expect(tokenEndpointErrorCodes.contains(error), kind)
        if let code = malformed.code { #expect(error == code, kind) }
        #expect(response.isNotCacheable, kind)
        #expect(store.accessTokenCount == before, kind)
    }

    @Test("the generator draws every kind of malformed request")
    func coversEveryKind() {
        let kinds = Set((0..<200 as Range<UInt64>).map { MalformedTokenRequest(seed: $0).kind })
        #expect(kinds == Set(MalformedTokenRequest.Kind.allCases))
    }
}
