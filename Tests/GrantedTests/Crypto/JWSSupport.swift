import Foundation
@testable import Granted
import GrantedTesting
import Testing

/// The JWS and JWT vectors of `Fixtures/vectors/`, and the few stand-ins the JWS tests need.
enum JWSVectors {
    struct JWK: Sendable, Decodable, Hashable {
        let kty: String
        let k: String?
        let n: String?
        let e: String?
        let crv: String?
        let x: String?
        let y: String?
    }

    /// RFC 7515 Appendix A.1, every value as the RFC prints it.
    struct HMACExample: Sendable, Decodable {
        let name: String
        let jwk: JWK
        let protectedHeader: String
        let protectedHeaderOctets: [UInt8]
        let encodedHeader: String
        let payload: String
        let payloadOctets: [UInt8]
        let encodedPayload: String
        let signatureOctets: [UInt8]
        let encodedSignature: String
        let compact: String
    }

    /// RFC 7515 A.2 and A.3: real tokens of algorithms Granted does not implement.
    struct PublicKeyExample: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let algorithm: String
        let protectedHeader: String
        let jwk: JWK
        let compact: String
        var testDescription: String { name }
    }

    struct RFC7515: Sendable, Decodable {
        let hmacSHA256: HMACExample
        let publicKeyExamples: [PublicKeyExample]
    }

    /// RFC 7519 §3.1 and §6.1.
    struct RFC7519: Sendable, Decodable {
        struct Example: Sendable, Decodable {
            struct Claims: Sendable, Decodable {
                let iss: String
                let exp: Int
                let extra: [String: Bool]
            }
            let joseHeader: String
            let joseHeaderOctets: [UInt8]
            let encodedHeader: String
            let claimsSet: String
            let claimsSetOctets: [UInt8]
            let encodedPayload: String
            let encodedSignature: String
            let jwt: String
            let jwk: JWK
            let claims: Claims
        }
        struct Unsecured: Sendable, Decodable {
            let joseHeader: String
            let encodedHeader: String
            let jwt: String
        }
        let example: Example
        let unsecured: Unsecured
    }

    static func rfc7515() throws -> RFC7515 {
        try Fixtures.load("vectors/jws-rfc7515.json", as: RFC7515.self)
    }

    static func rfc7519() throws -> RFC7519 {
        try Fixtures.load("vectors/jwt-rfc7519.json", as: RFC7519.self)
    }

    struct MissingKey: Error {}

    /// The HS256 signer of RFC 7515 A.1, keyed with the JWK's `k`.
    static func rfcSigner(keyID: String? = nil) throws -> HS256Signer {
        guard let key = Base64URL.decode(try rfc7515().hmacSHA256.jwk.k ?? "") else { throw MissingKey() }
        return try HS256Signer(key: key, keyID: keyID)
    }

    /// A compact JWS over exactly these header bytes, MACed with `signer`: for headers Granted
    /// would never write, so a refusal can only come from the header.
    static func compact(header: String, payload: [UInt8], signer: HS256Signer) -> String {
        var input: [UInt8] = []
        Array(header.utf8).withUnsafeBytes { Base64URL.encode($0, appendingTo: &input) }
        input.append(UInt8(ascii: "."))
        payload.withUnsafeBytes { Base64URL.encode($0, appendingTo: &input) }
        let signature = signer.sign(input)
        return String(decoding: input, as: UTF8.self) + "." + Base64URL.encode(signature)
    }

    /// `count` bytes from `random`.
    static func bytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }
}

/// A verifier for an algorithm Granted does not implement that accepts every signature: if a
/// token is still refused, the refusal came before any signature was checked.
struct AcceptingVerifier: SignatureVerifier {
    let algorithm: JWSAlgorithm
    var keyID: String? = nil
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool { true }
}

/// A host-supplied public-key signer as `SigningKeys` sees it: an algorithm, a `kid`, a JWK.
struct PublishingSigner: Signer {
    let algorithm: JWSAlgorithm
    let keyID: String?
    let publicJWK: JWK?
    var signature: [UInt8] = [1, 2, 3]
    var verifier: (any SignatureVerifier)? = nil
    func sign(_ signingInput: [UInt8]) -> [UInt8] { signature }
}
