/// A freshly minted secret (token, code or key) and the digest it is stored under.
public struct MintedSecret: Sendable {
    public let value: String
    public let digest: TokenDigest
}

extension RandomSource {
    /// A kind prefix and 256 random bits in base64url: 43 characters after the prefix. The store
    /// keeps only the SHA-256 of the whole string.
    func mintSecret(prefix: String) -> MintedSecret {
        var bytes = [UInt8]()
        bytes.reserveCapacity(prefix.utf8.count + 43)
        bytes.append(contentsOf: prefix.utf8)
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { random in
            fill(random)
            Base64URL.encode(UnsafeRawBufferPointer(random), appendingTo: &bytes)
            random.initializeMemory(as: UInt8.self, repeating: 0)
        }
        let digest = bytes.withUnsafeBytes { SHA256.hash($0) }
        return MintedSecret(value: String(decoding: bytes, as: UTF8.self), digest: digest)
    }
}
