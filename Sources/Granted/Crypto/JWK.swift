/// A JSON Web Key (RFC 7517 §4): the public part of an asymmetric key, or a symmetric `oct` key.
/// The asymmetric cases carry only public parameters (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2), so
/// a value of this type cannot hold a private key; parsing refuses the members that would.
public struct JWK: Sendable, Hashable {
    /// The key type (`kty`, RFC 7518 §6.1) with the parameters it requires, as raw octets.
    public enum Key: Sendable, Hashable {
        /// `RSA`: modulus and exponent, big-endian (RFC 7518 §6.3.1).
        case rsa(modulus: [UInt8], exponent: [UInt8])
        /// `EC`: a point on `curve` (RFC 7518 §6.2.1), each coordinate the curve's full size.
        case ec(curve: Curve, x: [UInt8], y: [UInt8])
        /// `OKP`: an octet key pair's public key (RFC 8037 §2), e.g. Ed25519.
        case okp(curve: Curve, x: [UInt8])
        /// `oct`: a symmetric key (RFC 7518 §6.4): a secret, never published in a JWK Set.
        case oct(key: [UInt8])
    }

    /// `crv` (RFC 7518 §6.2.1.1; RFC 8037 §2): an open registry, so a raw-value struct.
    public struct Curve: RawRepresentable, Sendable, Hashable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let p256 = Curve(rawValue: "P-256")
        public static let p384 = Curve(rawValue: "P-384")
        public static let p521 = Curve(rawValue: "P-521")
        public static let ed25519 = Curve(rawValue: "Ed25519")
        public static let ed448 = Curve(rawValue: "Ed448")
        public static let x25519 = Curve(rawValue: "X25519")
        public static let x448 = Curve(rawValue: "X448")

        /// The curves of `EC` keys and their coordinate sizes in octets (RFC 7518 §6.2.1.2).
        static let ellipticCoordinateSizes: [Curve: Int] = [.p256: 32, .p384: 48, .p521: 66]
        /// The curves of `OKP` keys and their public key sizes in octets (RFC 8037 §2; RFC 8032, RFC 7748).
        static let octetKeyPairSizes: [Curve: Int] = [.ed25519: 32, .ed448: 57, .x25519: 32, .x448: 56]
    }

    /// `use` (RFC 7517 §4.2): an open registry, so a raw-value struct.
    public struct Use: RawRepresentable, Sendable, Hashable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let signature = Use(rawValue: "sig")
        public static let encryption = Use(rawValue: "enc")
    }

    /// A `key_ops` value (RFC 7517 §4.3): an open registry, so a raw-value struct.
    public struct Operation: RawRepresentable, Sendable, Hashable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let sign = Operation(rawValue: "sign")
        public static let verify = Operation(rawValue: "verify")
        public static let encrypt = Operation(rawValue: "encrypt")
        public static let decrypt = Operation(rawValue: "decrypt")
        public static let wrapKey = Operation(rawValue: "wrapKey")
        public static let unwrapKey = Operation(rawValue: "unwrapKey")
        public static let deriveKey = Operation(rawValue: "deriveKey")
        public static let deriveBits = Operation(rawValue: "deriveBits")
    }

    public var key: Key
    /// `kid` (RFC 7517 §4.5).
    public var keyID: String?
    /// `use` (RFC 7517 §4.2).
    public var use: Use?
    /// `key_ops` (RFC 7517 §4.3), without duplicates.
    public var operations: [Operation]?
    /// `alg` (RFC 7517 §4.4).
    public var algorithm: JWSAlgorithm?

    public init(
        _ key: Key, keyID: String? = nil, use: Use? = nil, operations: [Operation]? = nil,
        algorithm: JWSAlgorithm? = nil
    ) {
        self.key = key
        self.keyID = keyID
        self.use = use
        self.operations = operations
        self.algorithm = algorithm
    }
}

extension JWK.Key {
    /// The `kty` value (RFC 7518 §6.1; RFC 8037 §2).
    public var keyType: String {
        switch self {
        case .rsa: "RSA"
        case .ec: "EC"
        case .okp: "OKP"
        case .oct: "oct"
        }
    }

    /// Whether this kind of key can sign with `algorithm` (RFC 7518 §3.1; RFC 8037 §3.1). True
    /// for an algorithm Granted does not know, which the host's signer vouches for.
    func canCarry(_ algorithm: JWSAlgorithm) -> Bool {
        switch algorithm.rawValue {
        case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
            if case .rsa = self { return true }
            return false
        case "ES256", "ES384", "ES512":
            let curve: JWK.Curve = algorithm == .es256 ? .p256 : algorithm.rawValue == "ES384" ? .p384 : .p521
            if case .ec(curve, _, _) = self { return true }
            return false
        case "EdDSA":
            if case .okp(let curve, _) = self { return curve == .ed25519 || curve == .ed448 }
            return false
        case "HS256", "HS384", "HS512":
            if case .oct = self { return true }
            return false
        default:
            return true
        }
    }
}

extension JWK: CustomStringConvertible {
    /// The key type and `kid`, never key material (an `oct` key is a secret).
    public var description: String {
        "JWK(\(key.keyType), kid: \(keyID.map { "\"\($0)\"" } ?? "nil"))"
    }
}
