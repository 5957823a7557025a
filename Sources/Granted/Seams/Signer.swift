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
    /// The `kid` written in the header (RFC 7515 §4.1.4) and in the published JWK.
    var keyID: String? { get }
    /// The JWS Signature over the ASCII signing input, as raw bytes (RFC 7518 §3.4: R ‖ S for ES256).
    func sign(_ signingInput: UnsafeRawBufferPointer) throws -> [UInt8]
    /// Public JWKs (RFC 7517 §4) for the JWK Set document, each one a serialized JSON object such as
    /// `{"kty":"RSA","kid":"…","use":"sig","alg":"RS256","n":"…","e":"AQAB"}`; empty for a
    /// symmetric key (never publish a secret).
    var publicJWKs: [[UInt8]] { get }
}

/// Checks a JWS Signature (RFC 7515 §5.2 step 8) with one key.
public protocol SignatureVerifier: Sendable {
    var algorithm: JWSAlgorithm { get }
    var keyID: String? { get }
    /// Whether `signature` is valid for the ASCII signing input; a MAC is compared in constant time.
    func verify(_ signature: [UInt8], for signingInput: UnsafeRawBufferPointer) -> Bool
}

/// Key rotation (RFC 7517 §5; OpenID Connect Core §10.1.1): one key signs, and the JWK Set also
/// publishes the keys that signed tokens still in circulation, or that will sign next.
public struct SigningKeys: Sendable {
    /// Signs every new token.
    public let active: any Signer
    /// Published beside the active key but not used to sign.
    public let published: [any Signer]
    /// The JWK Set document, `{"keys":[…]}` (RFC 7517 §5), computed once.
    public let jwks: [UInt8]

    /// Publishes the public JWKs of `active` then `published`, once per `kid`. Leaves out every key
    /// of a symmetric signer, and any JWK that is not a JSON object or that carries private or
    /// symmetric key material (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`; RFC 7518 §6.2.2, §6.3.2,
    /// §6.4.1), so a misconfigured host cannot leak its signing key through the JWK Set.
    public init(active: any Signer, published: [any Signer] = []) {
        self.active = active
        self.published = published
        var seenKeyIDs = Set<String>()
        var seenKeys = Set<[UInt8]>()
        var keys: [UInt8] = [UInt8(ascii: "[")]
        for signer in [active] + published where !signer.algorithm.isSymmetric {
            if let keyID = signer.keyID {
                guard seenKeyIDs.insert(keyID).inserted else { continue }
            }
            for jwk in signer.publicJWKs where Self.isPublishable(jwk) && seenKeys.insert(jwk).inserted {
                if keys.count > 1 { keys.append(UInt8(ascii: ",")) }
                keys.append(contentsOf: jwk)
            }
        }
        keys.append(UInt8(ascii: "]"))
        var document = JSONWriter(capacity: keys.count + 12)
        document.field("keys", rawJSON: keys)
        jwks = document.finish()
    }

    /// The members that make a JWK secret (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2 `d`).
    private static let secretMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// A JSON object with no secret member and a `kty` other than `oct`.
    private static func isPublishable(_ jwk: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(jwk)) as? [String: Any],
            let keyType = object["kty"] as? String, keyType != "oct"
        else { return false }
        return object.keys.allSatisfy { !secretMembers.contains($0) }
    }
}
