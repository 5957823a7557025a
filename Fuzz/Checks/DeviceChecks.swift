import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The device authorization grant's inputs (RFC 8628): the endpoint's form and what a user types
/// on the verification page. The first byte picks which; the rest is the input.
enum DeviceChecks {
    static let alphabet = Set("BCDFGHJKLMNPQRSTVWXZ".utf8)

    static func check(_ bytes: [UInt8]) async throws {
        guard let first = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if first & 1 == 0 {
            try await endpoint(rest)
        } else {
            try await userCode(String(decoding: rest, as: UTF8.self))
        }
    }

    /// Any answer is a §3.2 response or a well-formed RFC 6749 §5.2 error.
    static func endpoint(_ bytes: [UInt8]) async throws {
        let response = await FuzzServer.shared.server.deviceAuthorization(
            FuzzServer.request(from: bytes, path: "/device_authorization"))
        guard response.status == 200 else { return try requireWellFormedError(response) }
        let body = try jsonObject(response)
        for member in ["device_code", "user_code", "verification_uri", "verification_uri_complete"] {
            try require(body[member] is String, "200 without \(member)")
        }
        try require(body["expires_in"] is Int && body["interval"] is Int, "200 without expires_in or interval")
        let code = Array((body["user_code"] as? String ?? "").utf8)
        try require(code.count == 9 && code[4] == UInt8(ascii: "-"), "user code not XXXX-XXXX")
        try require(code.enumerated().allSatisfy { $0.offset == 4 || alphabet.contains($0.element) }, "user code letters")
    }

    /// Normalisation is idempotent and only ever answers 8 letters of the alphabet; no typed
    /// text finds an authorization nobody was shown.
    static func userCode(_ text: String) async throws {
        if let letters = UserCode.normalize(text) {
            try require(letters.count == 8 && letters.allSatisfy(alphabet.contains), "normalised to \(letters)")
            try require(UserCode.normalize(UserCode.display(letters)) == letters, "display does not normalise back")
        }
        let found = try? await FuzzServer.shared.server.lookUpUserCode(text)
        try require(found == nil, "a typed code found an authorization")
    }
}
