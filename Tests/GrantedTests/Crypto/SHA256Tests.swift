@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("SHA-256 (FIPS 180-4)")
    struct SHA256Tests {
        @Test("one-shot digests match FIPS and CAVS vectors", arguments: try CryptoVectors.sha256())
        func oneShot(vector: CryptoVectors.SHA256Vector) {
            #expect(SHA256.hash(vector.message).hex == vector.digestHex)
            #expect(vector.message.withUnsafeBytes { SHA256.hash($0) }.hex == vector.digestHex)
            if let text = vector.text {
                #expect(SHA256.hash(text).hex == vector.digestHex)
            }
        }

        @Test(
            "feeding the message in random-sized chunks gives the same digest",
            arguments: try CryptoVectors.sha256(), [1, 2, 3] as [UInt64])
        func incremental(vector: CryptoVectors.SHA256Vector, seed: UInt64) {
            var random = SplitMix64(state: seed)
            var hasher = SHA256()
            vector.message.withUnsafeBytes { message in
                var offset = 0
                while offset < message.count {
                    // 0 exercises empty updates; up to 130 crosses one and two block boundaries.
                    let size = min(Int.random(in: 0...130, using: &random), message.count - offset)
                    hasher.update(UnsafeRawBufferPointer(rebasing: message[offset..<(offset + size)]))
                    offset += size
                }
            }
            #expect(hasher.finalize().hex == vector.digestHex)
        }

        @Test(
            "a sequence without contiguous storage takes the slow path to the same digest",
            arguments: try CryptoVectors.sha256())
        func nonContiguousSequence(vector: CryptoVectors.SHA256Vector) {
            var hasher = SHA256()
            hasher.update(vector.message.lazy.map { $0 })
            #expect(hasher.finalize().hex == vector.digestHex)
        }

        @Test("a finalized copy leaves the original hasher usable")
        func finalizeIsNonDestructiveOnCopies() {
            var hasher = SHA256()
            hasher.update(Array("ab".utf8))
            let prefix = hasher
            hasher.update(Array("c".utf8))
            #expect(hasher.finalize() == SHA256.hash("abc"))
            #expect(prefix.finalize() == SHA256.hash("ab"))
        }
    }
}
