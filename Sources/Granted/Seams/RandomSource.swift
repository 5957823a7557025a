#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Cryptographically secure random bytes: the source of every token, code and id.
public protocol RandomSource: Sendable {
    /// Fills the whole buffer with unpredictable bytes.
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

/// The operating system's generator (`getrandom(2)` through `getentropy(3)` on Linux,
/// `arc4random_buf` on Darwin), drawn 4 KiB at a time: a token's 32 bytes then cost a copy,
/// not a system call each.
///
/// The buffers are process-wide, eight of them striped by thread, each behind its own lock. Bytes handed out are zeroed in the buffer at
/// once, so a later memory disclosure cannot replay them, and the buffer is refilled from
/// scratch in a forked child (a `pthread_atfork` handler counts forks), so a child never repeats
/// its parent's bytes.
/// Requests larger than 256 bytes go to the kernel directly.
public struct SystemRandom: RandomSource {
    public init() {}

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        guard buffer.count <= 256 else {
            Self.fillFromKernel(buffer)
            return
        }
        // Striped by thread, so concurrent callers rarely wait on one another's lock.
        let stripe = Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: Self.pthreadIdentity()) &* 0x9E37_79B9_7F4A_7C15) >> 61)
        let pool = Self.pools[stripe]
        let forks = Self.forks.load(ordering: .relaxed)
        pool.withLock { $0.take(into: buffer, forks: forks) }
    }

    static let pools: [Locked<Pool>] = {
        // Registered once, before any pool hands out a byte. Counting forks replaces a getpid(2)
        // per token: a system call, 4% of a client credentials request.
        pthread_atfork(nil, nil) { SystemRandom.forks.add(1, ordering: .relaxed) }
        return (0..<8).map { _ in Locked(Pool()) }
    }()

    /// Forks of this process so far, counted in the child. Only the forking thread exists in the
    /// child when the handler runs, so no pool is being read while it changes.
    static let forks = Atomic<UInt64>(0)

    private static func pthreadIdentity() -> Int {
        #if canImport(Darwin)
            Int(bitPattern: UnsafeRawPointer(pthread_self()))
        #else
            Int(truncatingIfNeeded: pthread_self())
        #endif
    }

    struct Pool {
        static let size = 4096
        var bytes = [UInt8](repeating: 0, count: Pool.size)
        var offset = Pool.size
        /// The fork count the bytes were drawn under; a child sees a larger one and refills.
        var generation: UInt64 = 0
        /// Keeps the next stripe's `offset`, written on every take, out of this stripe's cache
        /// lines: the eight pools are allocated side by side, and two cores taking from
        /// neighbouring stripes would otherwise pass one line back and forth.
        private var padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        /// Hands out the next bytes; `forks` is the process's fork count now.
        mutating func take(into buffer: UnsafeMutableRawBufferPointer, forks: UInt64) {
            if forks != generation || Pool.size - offset < buffer.count {
                bytes.withUnsafeMutableBytes { SystemRandom.fillFromKernel($0) }
                offset = 0
                generation = forks
            }
            bytes.withUnsafeMutableBytes { pool in
                let slice = UnsafeMutableRawBufferPointer(rebasing: pool[offset..<(offset + buffer.count)])
                buffer.copyMemory(from: UnsafeRawBufferPointer(slice))
                slice.initializeMemory(as: UInt8.self, repeating: 0)
            }
            offset += buffer.count
        }
    }

    /// Fills `buffer` straight from the kernel.
    static func fillFromKernel(_ buffer: UnsafeMutableRawBufferPointer) {
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
