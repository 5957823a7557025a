/// JWK Thumbprints (RFC 7638): a key's name computed from the key itself, so it changes exactly
/// when the key does. Used as the `kid` of generated keys and as DPoP's `jkt` (RFC 9449 §6.1).
extension JWK {
    /// The base64url SHA-256 of the key's required members (RFC 7638 §3.2: RFC 7518 §6.2.1,
    /// §6.3.1, §6.4.1; RFC 8037 §2) in lexicographic order, without white space; `kid`, `use`,
    /// `alg` and `key_ops` do not count.
    public var thumbprint: String {
        Base64URL.encode(SHA256.hash(thumbprintInput).bytes)
    }

    /// The JSON object hashed by `thumbprint` (RFC 7638 §3.3).
    var thumbprintInput: [UInt8] {
        var writer = JSONWriter(capacity: 96 + Base64URL.encodedCount(Self.parameterCount(key)))
        switch key {
        case .rsa(let modulus, let exponent):
            writer.field("e", Base64URL.encode(exponent))
            writer.field("kty", key.keyType)
            writer.field("n", Base64URL.encode(modulus))
        case .ec(let curve, let x, let y):
            writer.field("crv", curve.rawValue)
            writer.field("kty", key.keyType)
            writer.field("x", Base64URL.encode(x))
            writer.field("y", Base64URL.encode(y))
        case .okp(let curve, let x):
            writer.field("crv", curve.rawValue)
            writer.field("kty", key.keyType)
            writer.field("x", Base64URL.encode(x))
        case .oct(let key):
            writer.field("k", Base64URL.encode(key))
            writer.field("kty", self.key.keyType)
        }
        return writer.finish()
    }

    private static func parameterCount(_ key: Key) -> Int {
        switch key {
        case .rsa(let modulus, let exponent): modulus.count + exponent.count
        case .ec(_, let x, let y): x.count + y.count
        case .okp(_, let x): x.count
        case .oct(let key): key.count
        }
    }
}
