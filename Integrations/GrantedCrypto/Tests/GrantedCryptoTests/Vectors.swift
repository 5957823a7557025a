import Foundation
import Testing

/// `Fixtures/vectors/jws-asymmetric.json`, found from this file as swift-crypto's `RFCVector.swift` does.
enum Vectors {
    struct Signature: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let algorithm: String
        let deterministic: Bool
        let jwk: [String: String]
        let compact: String
        var testDescription: String { name }

        var jwkJSON: [UInt8] { (try? JSONSerialization.data(withJSONObject: jwk)).map(Array.init) ?? [] }
        /// The JWK without its private members, as a JWK Set would publish it.
        var publicJWKJSON: [UInt8] {
            let only = jwk.filter { !["d", "p", "q", "dp", "dq", "qi"].contains($0.key) }
            return (try? JSONSerialization.data(withJSONObject: only)).map(Array.init) ?? []
        }
        /// The signing input and signature of `compact` (RFC 7515 §7.1).
        var parts: (signingInput: [UInt8], signature: String)? {
            guard let dot = compact.lastIndex(of: ".") else { return nil }
            return (Array(compact[..<dot].utf8), String(compact[compact.index(after: dot)...]))
        }
    }

    struct File: Sendable, Decodable {
        let signatures: [Signature]
    }

    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vectors/jws-asymmetric.json")
    }

    static func file() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    static let signatures: [Signature] = (try? file().signatures) ?? []
}
