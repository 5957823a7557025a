import Foundation

/// A JWS `alg` value (RFC 7515 §4.1.1; RFC 7518 §3.1): an open registry, so a raw-value struct.
/// Case-sensitive, compared exactly.
public struct JWSAlgorithm: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// HMAC with SHA-256 (RFC 7518 §3.2); the only one Granted implements itself.
    public static let hs256 = JWSAlgorithm(rawValue: "HS256")
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), the OpenID Connect default (Core §15.1).
    public static let rs256 = JWSAlgorithm(rawValue: "RS256")
    /// ECDSA P-256 with SHA-256 (RFC 7518 §3.4).
    public static let es256 = JWSAlgorithm(rawValue: "ES256")
    /// Edwards-curve signatures (RFC 8037 §3.1).
    public static let edDSA = JWSAlgorithm(rawValue: "EdDSA")
    /// RSASSA-PSS with SHA-256 (RFC 7518 §3.5).
    public static let ps256 = JWSAlgorithm(rawValue: "PS256")

    /// True for the MAC algorithms (RFC 7518 §3.2), whose one key both signs and verifies, so it
    /// must never be published nor accepted where a public-key signature is expected (RFC 8725 §2.1).
    public var isSymmetric: Bool {
        rawValue == "HS256" || rawValue == "HS384" || rawValue == "HS512"
    }

    /// True for `none` in any spelling (RFC 7518 §3.6): never produced, never accepted.
    var isUnsecured: Bool { rawValue.lowercased() == "none" }
}

/// Signs JWS signing inputs (RFC 7515 §5.1 step 5) with one key. Granted ships `HS256Signer`;
/// a host plugs RS256, ES256 or EdDSA in from the crypto library it already uses.
public protocol Signer: Sendable {
    var algorithm: JWSAlgorithm { get }
    /// The `kid` written in the header (RFC 7515 §4.1.4); the published JWK carries the same one.
    var keyID: String? { get }
    /// The JWS Signature over the ASCII signing input, as raw bytes (RFC 7518 §3.4: R ‖ S for ES256).
    func sign(_ signingInput: [UInt8]) throws -> [UInt8]
    /// The public key for the JWK Set (RFC 7517 §4); nil for a symmetric key, which is a secret
    /// (RFC 7517 §9.2). `SigningKeys.init` refuses an asymmetric signer that answers nil.
    var publicJWK: JWK? { get }
    /// What checks this key's signatures (RFC 7515 §5.2), e.g. for an `id_token_hint`; nil when
    /// the host signs with a key it cannot verify with here.
    var verifier: (any SignatureVerifier)? { get }
}

/// Checks a JWS Signature (RFC 7515 §5.2 step 8) with one key.
public protocol SignatureVerifier: Sendable {
    var algorithm: JWSAlgorithm { get }
    var keyID: String? { get }
    /// Whether `signature` is valid for the ASCII signing input; a MAC is compared in constant time.
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool
}
