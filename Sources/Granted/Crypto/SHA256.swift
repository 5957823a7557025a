/// SHA-256 (FIPS 180-4 §6.2), incremental: hashes tokens, PKCE verifiers and HMAC blocks
/// without a heap allocation per call.
struct SHA256: Sendable {
    typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// H0…H7, starting from the initial hash value of FIPS 180-4 §5.3.3.
    private var state: Words = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of an unfinished block; only the first `bufferedCount` are meaningful.
    private var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedCount = 0
    /// Message length in bytes so far (FIPS 180-4 §5.1.1 appends it in bits, modulo 2^64).
    private var length: UInt64 = 0

    public init() {}

    /// Absorbs `bytes`; whole blocks are compressed straight from the caller's memory.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if bufferedCount > 0 {
            let taken = min(64 &- bufferedCount, bytes.count)
            let start = bufferedCount
            withUnsafeMutableBytes(of: &buffer) { block in
                UnsafeMutableRawBufferPointer(rebasing: block[start..<(start &+ taken)])
                    .copyMemory(from: UnsafeRawBufferPointer(start: base, count: taken))
            }
            bufferedCount &+= taken
            offset = taken
            guard bufferedCount == 64 else { return }
            var full = buffer
            withUnsafeBytes(of: &full) { block in
                if let start = block.baseAddress { Self.compress(&state, start, blocks: 1) }
            }
            bufferedCount = 0
        }
        let wholeBlocks = (bytes.count &- offset) / 64
        if wholeBlocks > 0 {
            Self.compress(&state, base + offset, blocks: wholeBlocks)
            offset &+= wholeBlocks &* 64
        }
        let rest = bytes.count &- offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &buffer) { block in
                UnsafeMutableRawBufferPointer(rebasing: block[0..<rest])
                    .copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: rest))
            }
            bufferedCount = rest
        }
    }

    /// Absorbs any byte sequence; contiguous ones (arrays, native UTF-8 views) take the fast path.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let wasContiguous: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        guard wasContiguous == nil else { return }
        var chunk: Block = (0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        for byte in bytes {
            withUnsafeMutableBytes(of: &chunk) { $0[count] = byte }
            count &+= 1
            if count == 64 {
                withUnsafeBytes(of: &chunk) { update($0) }
                count = 0
            }
        }
        withUnsafeBytes(of: &chunk) { update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Pads the message (FIPS 180-4 §5.1.1) and returns H0…H7 as the digest.
    public consuming func finalize() -> Digest256 {
        // The tail: buffered bytes, 0x80, zeros, then the bit length; one block or two.
        var tail: (Block, Block) = ((0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
        let count = bufferedCount
        let blocks = count < 56 ? 1 : 2
        let bitLength = length &<< 3
        withUnsafeMutableBytes(of: &tail) { tailBytes in
            withUnsafeBytes(of: &buffer) { pending in
                UnsafeMutableRawBufferPointer(rebasing: tailBytes[0..<count])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: pending[0..<count]))
            }
            tailBytes[count] = 0x80
            tailBytes.storeBytes(of: bitLength.bigEndian, toByteOffset: blocks &* 64 &- 8, as: UInt64.self)
            if let start = tailBytes.baseAddress {
                Self.compress(&state, UnsafeRawPointer(start), blocks: blocks)
            }
        }
        return Digest256(
            w0: UInt64(state.0) &<< 32 | UInt64(state.1),
            w1: UInt64(state.2) &<< 32 | UInt64(state.3),
            w2: UInt64(state.4) &<< 32 | UInt64(state.5),
            w3: UInt64(state.6) &<< 32 | UInt64(state.7))
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Digest256 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> Digest256 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of the UTF-8 bytes of `string` (a token as it travels on the wire).
    public static func hash(_ string: String) -> Digest256 {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}

extension SHA256 {
    /// The 64 round constants K of FIPS 180-4 §4.2.2.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Runs the compression function (FIPS 180-4 §6.2.2) over `blocks` consecutive 64-byte blocks.
    private static func compress(_ state: inout Words, _ start: UnsafeRawPointer, blocks: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for block in 0..<blocks {
                    let bytes = start + block &* 64
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        w[t] = smallSigma1(w[t &- 2]) &+ w[t &- 7] &+ smallSigma0(w[t &- 15]) &+ w[t &- 16]
                    }
                    var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                    // Eight rounds per pass, renaming the working variables instead of shifting them.
                    for t in stride(from: 0, to: 64, by: 8) {
                        round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                        round(h, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
                        round(g, h, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
                        round(f, g, h, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
                        round(e, f, g, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
                        round(d, e, f, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
                        round(c, d, e, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6])
                        round(b, c, d, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7])
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                    h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                }
            }
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }

    /// One round of §6.2.2 step 3: `d` takes the new e and `h` the new a.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ constantPlusWord: UInt32
    ) {
        let t1 = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ constantPlusWord
        let t2 = bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        d &+= t1
        h = t1 &+ t2
    }

    // The four functions of FIPS 180-4 §4.1.2.
    @inline(__always) private static func bigSigma0(_ x: UInt32) -> UInt32 {
        rotateRight(x, 2) ^ rotateRight(x, 13) ^ rotateRight(x, 22)
    }
    @inline(__always) private static func bigSigma1(_ x: UInt32) -> UInt32 {
        rotateRight(x, 6) ^ rotateRight(x, 11) ^ rotateRight(x, 25)
    }
    @inline(__always) private static func smallSigma0(_ x: UInt32) -> UInt32 {
        rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x &>> 3)
    }
    @inline(__always) private static func smallSigma1(_ x: UInt32) -> UInt32 {
        rotateRight(x, 17) ^ rotateRight(x, 19) ^ (x &>> 10)
    }
    @inline(__always) private static func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }
}
