import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// An invariant a fuzz input broke. The fuzz harness aborts on it (so libFuzzer keeps the input);
/// the regression test records it.
public struct FuzzFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Every input surface Granted reads, each with the invariants that must hold for any bytes.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case form, headers, base64, token, authorize, revoke, introspect, jws, jwk, json, clients, jwtat, cimd, registration, device, assertion, par, logout, dpop

    /// Runs the target on one input. - Throws: `FuzzFailure` when an invariant breaks.
    public func check(_ bytes: [UInt8]) async throws {
        switch self {
        case .form: try FormChecks.check(bytes)
        case .headers: try await HeaderChecks.check(bytes)
        case .base64: try Base64Checks.check(bytes)
        case .token: try await EndpointChecks.token(bytes)
        case .authorize: try await EndpointChecks.authorize(bytes)
        case .revoke: try await EndpointChecks.revoke(bytes)
        case .introspect: try await EndpointChecks.introspect(bytes)
        case .jws: try JWSChecks.check(bytes)
        case .jwk: try JWKChecks.check(bytes)
        case .json: try JSONChecks.check(bytes)
        case .clients: try ClientFileChecks.check(bytes)
        case .jwtat: try JWTAccessTokenChecks.check(bytes)
        case .cimd: try ClientMetadataDocumentChecks.check(bytes)
        case .registration: try await RegistrationChecks.check(bytes)
        case .device: try await DeviceChecks.check(bytes)
        case .assertion: try await AssertionChecks.check(bytes)
        case .par: try await PushedRequestChecks.check(bytes)
        case .logout: try await LogoutChecks.check(bytes)
        case .dpop: try await DPoPChecks.check(bytes)
        }
    }
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw FuzzFailure(message()) }
}

/// The RFC 6749 §5.2 (plus RFC 7009 §2.2.1) error codes a token-style endpoint may answer.
let tokenEndpointErrors: Set<String> = [
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope", "unsupported_token_type",
]

/// The JSON object of a response body, or a failure if it is not one.
func jsonObject(_ response: OAuthResponse) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
        throw FuzzFailure("status \(response.status) body is not a JSON object: \(response.bodyText.prefix(200))")
    }
    return object
}

/// Checks an error answer of the token, revocation or introspection endpoint (RFC 6749 §5.2).
func requireWellFormedError(_ response: OAuthResponse) throws {
    try require([400, 401, 405].contains(response.status), "unexpected status \(response.status)")
    let body = try jsonObject(response)
    let code = body["error"] as? String ?? ""
    try require(tokenEndpointErrors.contains(code), "unregistered error code \(code)")
    try require(response.headers["cache-control"] == "no-store", "error without Cache-Control: no-store")
    if response.status == 401 {
        try require(code == "invalid_client", "401 without invalid_client")
    }
}
