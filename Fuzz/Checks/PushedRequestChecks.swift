import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The pushed authorization request endpoint (RFC 9126) from raw request bytes: every answer is a
/// §2.2 success or a well-formed JSON error (§2.3); what it accepts the authorization endpoint
/// runs exactly once, and only for the client that pushed it (§4).
enum PushedRequestChecks {
    /// The token endpoint's errors and the authorization endpoint's, which a push may answer.
    static let errors = tokenEndpointErrors.union([
        "unsupported_response_type", "invalid_target", "request_not_supported", "request_uri_not_supported",
    ])
    static let clients: [ClientID] = ["web", "spa", "service", "tv"]

    static func check(_ bytes: [UInt8]) async throws {
        let server = FuzzServer.shared.server
        let response = await server.pushedAuthorizationRequest(FuzzServer.request(from: bytes, path: "/par"))
        guard response.status == 201 else {
            try require([400, 401, 405].contains(response.status), "unexpected status \(response.status)")
            if response.status == 405 { return }
            let code = try jsonObject(response)["error"] as? String ?? ""
            try require(errors.contains(code), "unregistered error code \(code)")
            try require(response.headers["cache-control"] == "no-store", "error without Cache-Control: no-store")
            return
        }
        let body = try jsonObject(response)
        let uri = body["request_uri"] as? String ?? ""
        try require(uri.hasPrefix(Policy.requestURIPrefix) && uri.utf8.count == Policy.requestURIPrefix.utf8.count + 43,
            "request_uri \(uri.prefix(80))")
        try require(body["expires_in"] as? Int == Int(server.policy.pushedRequestLifetime), "expires_in")
        var runs = 0
        for attempt in 0..<2 {
            for client in clients {
                let use = OAuthRequest(
                    method: .get, path: "/authorize",
                    query: "client_id=\(client.rawValue)&request_uri=\(uri.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
                switch await server.validate(use) {
                case .valid(let request):
                    try require(request.client.id == client && request.isPushed, "ran for another client")
                    try require(attempt == 0, "a request_uri ran twice")
                    runs += 1
                case .redirect: throw FuzzFailure("a use of a request_uri redirected (never: §4, RFC 6749 §4.1.2.1)")
                case .userFacing: break
                }
            }
        }
        try require(runs == 1, "an accepted push ran \(runs) times")
    }
}
