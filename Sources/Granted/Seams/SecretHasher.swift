/// A stored client secret or API key, never the secret itself: the scheme names the hasher.
public struct SecretHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public let scheme: String
    public let value: [UInt8]
    public init(scheme: String, value: [UInt8]) {
        self.scheme = scheme
        self.value = value
    }
    /// `scheme$base64url`, for storage in a text column or a fixtures file.
    public var description: String { scheme + "$" + Base64URL.encode(value) }
    public init?(encoded: String) {
        guard let dollar = encoded.firstIndex(of: "$"),
            let value = Base64URL.decode(encoded[encoded.index(after: dollar)...])
        else { return nil }
        self.init(scheme: String(encoded[..<dollar]), value: value)
    }
}

/// Hashes client secrets and checks presented ones against the stored hash, in constant time.
public protocol SecretHasher: Sendable {
    func hash(_ secret: String) -> SecretHash
    func verify(_ secret: String, against stored: SecretHash) -> Bool
}

/// One SHA-256: right for generated secrets of 256 bits, which no dictionary can guess, and what
/// keeps client authentication from dominating the token endpoint. A host whose clients chose
/// their own secrets plugs a slow password hash here instead.
public struct SHA256SecretHasher: SecretHasher {
    public init() {}
    public func hash(_ secret: String) -> SecretHash {
        SecretHash(scheme: "sha256", value: SHA256.hash(secret).bytes)
    }
    public func verify(_ secret: String, against stored: SecretHash) -> Bool {
        guard stored.scheme == "sha256", let digest = Digest256(bytes: stored.value) else {
            return false
        }
        return SHA256.hash(secret).constantTimeEquals(digest)
    }
}
