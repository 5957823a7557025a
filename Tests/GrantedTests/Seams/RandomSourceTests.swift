import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Granted

@Suite("Random sources")
struct RandomSourceTests {
    @Test(
        "the system source fills the whole buffer, across its 256-byte chunks",
        arguments: [1, 16, 17, 32, 255, 256, 257, 1000])
    func fillsWholeBuffer(count: Int) {
        // A buffer pre-filled with one value: every byte left unwritten would keep it. Checking
        // 16-byte windows keeps the chance of a false alarm at 2^-128 per window.
        for sentinel: UInt8 in [0x00, 0xFF] {
            var buffer = [UInt8](repeating: sentinel, count: count)
            buffer.withUnsafeMutableBytes { SystemRandom().fill($0) }
            for start in stride(from: 0, to: count, by: 16) where count - start >= 16 {
                #expect(buffer[start..<(start + 16)].contains { $0 != sentinel }, "window at \(start)")
            }
            if count >= 16 { #expect(buffer[(count - 16)...].contains { $0 != sentinel }) }
        }
    }

    @Test("an empty buffer is left alone")
    func emptyBuffer() {
        var empty = [UInt8]()
        empty.withUnsafeMutableBytes { SystemRandom().fill($0) }
        #expect(empty.isEmpty)
        #expect(SystemRandom().bytes(0).isEmpty)
    }

    @Test("each call answers different bytes", arguments: [16, 32, 64])
    func differentEachCall(count: Int) {
        let draws = (0..<100).map { _ in SystemRandom().bytes(count) }
        #expect(draws.allSatisfy { $0.count == count })
        #expect(Set(draws).count == draws.count)
    }

    @Test("random identifiers have the UUID version 4 layout (RFC 9562 §5.4) and differ")
    func identifiers() {
        let ids = (0..<100).map { _ in FamilyID(random: SystemRandom()) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let bytes = id.uuid.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
            #expect(FamilyID(id.description) == id)
        }
    }

    @Test("a minted secret is its prefix and 256 random bits in base64url, stored by its SHA-256 (RFC 6749 §10.10)")
    func mintedSecret() throws {
        let minted = SystemRandom().mintSecret(prefix: "gat_")
        #expect(minted.value.hasPrefix("gat_"))
        let body = minted.value.dropFirst(4)
        #expect(body.count == 43)
        #expect(try #require(Base64URL.decode(body)).count == 32)
        #expect(minted.digest == SHA256.hash(minted.value))
        #expect(SystemRandom().mintSecret(prefix: "gat_").value != minted.value)
    }

    @Test("a pool refills from the kernel when the fork count moves, and only then", arguments: [false, true])
    func refillsAfterFork(forked: Bool) {
        var pool = SystemRandom.Pool()
        var first = [UInt8](repeating: 0, count: 32)
        first.withUnsafeMutableBytes { pool.take(into: $0, forks: 7) }
        // What the pool would hand out next without a refill.
        let next = Array(pool.bytes[pool.offset..<(pool.offset + 32)])
        var second = [UInt8](repeating: 0, count: 32)
        second.withUnsafeMutableBytes { pool.take(into: $0, forks: forked ? 8 : 7) }
        #expect((second == next) == !forked)
        #expect(pool.generation == (forked ? 8 : 7))
    }

    @Test("each thread draws from a pool of its own, the same one at every draw")
    func poolPerThread() throws {
        let here = try #require(SystemRandom.threadPool())
        #expect(SystemRandom.threadPool() == here)
        let elsewhere = Mutex<UnsafeMutablePointer<SystemRandom.Pool>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var byte = [UInt8](repeating: 0, count: 1)
            byte.withUnsafeMutableBytes { SystemRandom().fill($0) }
            elsewhere.withLock { $0 = SystemRandom.threadPool() }
            done.signal()
        }
        thread.start()
        done.wait()
        let other = try #require(elsewhere.withLock { $0 })
        #expect(other != here)
    }

    @Test("draws from many threads at once never repeat (no pool is shared without a lock)", arguments: [2, 8])
    func concurrentDrawsAreDistinct(tasks: Int) async {
        let draws = await withTaskGroup(of: [[UInt8]].self) { group in
            for _ in 0..<tasks {
                group.addTask { (0..<2_000).map { _ in SystemRandom().bytes(16) } }
            }
            var all: [[UInt8]] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(draws.count == tasks * 2_000)
        #expect(Set(draws).count == draws.count)
    }

    @Test("a pool wiped when its thread ends keeps none of its bytes, and refills before its next draw")
    func wipe() {
        var pool = SystemRandom.Pool()
        var first = [UInt8](repeating: 0, count: 32)
        first.withUnsafeMutableBytes { pool.take(into: $0, forks: 0) }
        #expect(pool.bytes.contains { $0 != 0 }, "bytes not yet handed out")
        pool.wipe()
        #expect(pool.bytes.allSatisfy { $0 == 0 })
        var second = [UInt8](repeating: 0, count: 32)
        second.withUnsafeMutableBytes { pool.take(into: $0, forks: 0) }
        #expect(second.contains { $0 != 0 })
        #expect(second != first)
    }

    #if os(Linux)
        @Test("a forked child counts its fork before it can draw a byte")
        func childCountsFork() {
            var one = [UInt8](repeating: 0, count: 1)
            one.withUnsafeMutableBytes { SystemRandom().fill($0) }  // registers the handler
            let before = SystemRandom.forks.load(ordering: .relaxed)
            let child = fork()
            if child == 0 {
                // Only async-signal-safe work in the child: one atomic load, then _exit.
                _exit(SystemRandom.forks.load(ordering: .relaxed) == before + 1 ? 0 : 1)
            }
            #expect(child > 0)
            var status: Int32 = 0
            #expect(waitpid(child, &status, 0) == child)
            #expect(status == 0, "the child's exit status")
            #expect(SystemRandom.forks.load(ordering: .relaxed) == before, "the parent's count is unchanged")
        }
    #endif
}
