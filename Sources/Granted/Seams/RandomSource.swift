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
/// Each thread has a buffer of its own, made at its first draw and wiped and freed when the
/// thread ends: no lock, and no two cores writing one cache line. (Eight buffers shared by
/// stripes of threads, each behind a lock, let two threads land on one stripe.) Bytes handed out
/// are zeroed in the buffer at once, so a later memory disclosure cannot replay them, and the
/// buffer is refilled from scratch in a forked child (a `pthread_atfork` handler counts forks),
/// so a child never repeats its parent's bytes.
/// Requests larger than 256 bytes go to the kernel directly.
public struct SystemRandom: RandomSource {
    public init() {}

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        guard buffer.count <= 256 else {
            Self.fillFromKernel(buffer)
            return
        }
        guard let pool = Self.threadPool() else {
            Self.fillFromKernel(buffer)
            return
        }
        pool.pointee.take(into: buffer, forks: Self.forks.load(ordering: .relaxed))
    }

    /// The calling thread's pool, nil when the process had no thread-specific key left to give
    /// (then every draw goes to the kernel). Only this thread ever reaches its pool (`fill`
    /// never suspends), so it needs no lock.
    static func threadPool() -> UnsafeMutablePointer<Pool>? {
        guard let poolKey else { return nil }
        if let existing = pthread_getspecific(poolKey) { return existing.assumingMemoryBound(to: Pool.self) }
        // Aligned to a cache line, and `Pool`'s padding keeps a neighbouring allocation (another
        // thread's pool) off the line its offset is written on.
        let pool = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Pool>.stride, alignment: 64)
            .bindMemory(to: Pool.self, capacity: 1)
        pool.initialize(to: Pool())
        pthread_setspecific(poolKey, pool)
        return pool
    }

    /// The key of the per-thread pools; its destructor wipes and frees a pool when its thread
    /// ends. Made once, before any pool hands out a byte, and so is the fork handler: counting
    /// forks replaces a getpid(2) per token (a system call, 4% of a client credentials request).
    static let poolKey: pthread_key_t? = {
        pthread_atfork(nil, nil) { SystemRandom.forks.add(1, ordering: .relaxed) }
        var key = pthread_key_t()
        #if canImport(Darwin)
            let created = pthread_key_create(&key) { SystemRandom.release(pool: $0) }
        #else
            let created = pthread_key_create(&key) { raw in
                if let raw { SystemRandom.release(pool: raw) }
            }
        #endif
        // Fails only when the process has used up its keys (PTHREAD_KEYS_MAX, 1024 on glibc).
        return created == 0 ? key : nil
    }()

    private static func release(pool raw: UnsafeMutableRawPointer) {
        let pool = raw.assumingMemoryBound(to: Pool.self)
        pool.pointee.wipe()
        pool.deinitialize(count: 1)
        raw.deallocate()
    }

    /// Forks of this process so far, counted in the child. Only the forking thread exists in the
    /// child when the handler runs, so no pool is being read while it changes.
    static let forks = Atomic<UInt64>(0)

    struct Pool {
        static let size = 4096
        var bytes = [UInt8](repeating: 0, count: Pool.size)
        var offset = Pool.size
        /// The fork count the bytes were drawn under; a child sees a larger one and refills.
        var generation: UInt64 = 0
        /// Keeps whatever is allocated after this pool (another thread's pool, say) off the cache
        /// line `offset` is written on at every take.
        private var padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        /// Zeroes the bytes not yet handed out, when the pool's thread ends.
        mutating func wipe() {
            bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
            offset = Pool.size
        }

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
