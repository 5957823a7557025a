import Testing

/// The JWK vectors of `Fixtures/vectors/jwk-rfc7517.json`: RFC 7517 Appendix A.1 and A.2,
/// RFC 8037 Appendix A.1 and A.2.
enum JWKVectors {
    struct PublicKey: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let kty: String
        let json: String
        /// The RSA modulus size, for the RSA key.
        let modulusBytes: Int?
        /// The size of each coordinate (EC) or of the public key (OKP).
        let coordinateBytes: Int?
        var testDescription: String { name }
    }

    struct PrivateKey: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        /// The private member the parser must name.
        let member: String
        let json: String
        var testDescription: String { name }
    }

    struct File: Sendable, Decodable {
        let publicKeys: [PublicKey]
        let publicKeySet: String
        let privateKeys: [PrivateKey]
    }

    static func file() throws -> File {
        try Fixtures.load("vectors/jwk-rfc7517.json", as: File.self)
    }

    /// For `arguments:`, where a throwing load would stop the whole suite: empty on failure, which
    /// `vectorsLoad` then reports.
    static let publicKeys: [PublicKey] = (try? file().publicKeys) ?? []
    static let privateKeys: [PrivateKey] = (try? file().privateKeys) ?? []
}
