#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The Basic and Bearer headers: never trap; Basic credentials round-trip through their header;
/// the guard answers a made-up bearer token 400 or 401, never anything else.
enum HeaderChecks {
    static func check(_ bytes: [UInt8]) async throws {
        let value = String(decoding: bytes, as: UTF8.self)
        if let credentials = try? BasicCredentials(authorization: value) {
            let again = try? BasicCredentials(authorization: credentials.headerValue)
            try require(again == credentials, "Basic header does not round-trip")
        }
        let server = FuzzServer.shared.server
        let request = OAuthRequest(method: .get, path: "/api", headers: ["Authorization": value])
        switch await server.resourceGuard(apiKeyHeader: "X-API-Key").check(request, requiring: ["public"]) {
        case .allowed:
            throw FuzzFailure("a made-up bearer token was allowed")
        case .denied(let response, _):
            try require([400, 401].contains(response.status), "guard answered \(response.status)")
            try require(response.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "no Bearer challenge")
        }
    }
}
