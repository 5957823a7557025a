#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cryptographically secure random bytes: the source of every token, code and id.
public protocol RandomSource: Sendable {
    /// Fills the whole buffer with unpredictable bytes.
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

/// The operating system's generator: one `getrandom(2)` through `getentropy(3)` (Linux) or `arc4random_buf` (Darwin)
/// per call, so a 32-byte token costs one system call, not four (`SystemRandomNumberGenerator`
/// draws 8 bytes at a time).
public struct SystemRandom: RandomSource {
    public init() {}
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
            arc4random_buf(base, buffer.count)
        #else
            var filled = 0
            var failures = 0
            while filled < buffer.count {
                // getentropy(3) is getrandom(2) underneath, at most 256 bytes a call.
                let count = min(256, buffer.count - filled)
                if getentropy(base + filled, count) == 0 {
                    filled += count
                } else {
                    // EINTR is retried; anything else falls back to the standard library's
                    // generator, which is also cryptographically secure.
                    failures += 1
                    if failures > 8 {
                        var generator = SystemRandomNumberGenerator()
                        for index in filled..<buffer.count { buffer[index] = generator.next() }
                        return
                    }
                }
            }
        #endif
    }
}

extension RandomSource {
    /// `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
