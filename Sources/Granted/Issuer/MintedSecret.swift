/// A freshly minted secret (token, code or key) and the digest it is stored under.
struct MintedSecret: Sendable {
    let value: String
    let digest: Digest256
}

extension RandomSource {
    /// A kind prefix and 256 random bits in base64url: 43 characters after the prefix. The store
    /// keeps only the SHA-256 of the whole string.
    func mintSecret(prefix: String) -> MintedSecret {
        var prefix = prefix
        let length = prefix.utf8.count + 43
        var digest = Digest256(w0: 0, w1: 0, w2: 0, w3: 0)
        let value = String(unsafeUninitializedCapacity: length) { output in
            var written = 0
            prefix.withUTF8 { bytes in
                for byte in bytes {
                    output[written] = byte
                    written += 1
                }
            }
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { random in
                fill(random)
                written += Base64URL.encode(
                    UnsafeRawBufferPointer(random),
                    writingInto: UnsafeMutableBufferPointer(rebasing: output[written...]))
                random.initializeMemory(as: UInt8.self, repeating: 0)
            }
            digest = SHA256.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: output[..<written])))
            return written
        }
        return MintedSecret(value: value, digest: digest)
    }
}
