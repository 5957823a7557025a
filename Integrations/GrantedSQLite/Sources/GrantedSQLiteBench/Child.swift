import Foundation
import Granted
import GrantedSQLite

/// One process of a run: opens the file, gets ready (connections open, statements prepared, a
/// warm-up), says `ready`, waits for `go` on its standard input so that every process starts
/// together, then loops for `seconds` and answers `done OPS NANOSECONDS`.
enum Child {
    static func run(_ scenario: Scenario, options: Options) async {
        guard let path = options.path else { fail("a child needs --path") }
        let duration = UInt64(options.seconds * 1e9)
        let count = options.count
        switch scenario {
        case .issue:
            let server = Fixture.server(path: path, synchronous: options.synchronous)
            let raw = Fixture.tokenRequest
            var bytes = 0
            func issue() async {
                let response = await server.token(raw.makeRequest())
                guard response.status == 200 else { fail("issue answered \(response.status): \(response.bodyText)") }
                bytes &+= response.body.count
            }
            for _ in 0..<20 { await issue() }
            await loop(duration, count: count) { _ in await issue() }
            blackHole(bytes)
        case .verify:
            let server = Fixture.server(path: path, synchronous: options.synchronous)
            let raws = Fixture.readTokens(path: path).map(Fixture.bearerRequest)
            let guardian = server.resourceGuard()
            var allowed = 0
            func verify(_ i: Int) async {
                let decision = await guardian.check(raws[i % raws.count].makeRequest(), requiring: [.public])
                guard case .allowed(let grant) = decision else { fail("verify denied a token it issued") }
                if grant.client == Fixture.clientID { allowed &+= 1 }
            }
            for i in 0..<20 { await verify(i) }
            await loop(duration, count: count) { i in await verify(i) }
            blackHole(allowed)
        case .insert:
            let bare = BareLoop(path: path, synchronous: options.synchronous.rawValue)
            for _ in 0..<20 { bare.insertRow() }
            await loop(duration, count: count) { _ in bare.insertRow() }
        case .select:
            let bare = BareLoop(path: path, synchronous: options.synchronous.rawValue)
            // The rows `verify` reads: the digests of the same tokens.
            let keys = Fixture.readTokens(path: path).map { token in Digest256(hashing: token).withUnsafeBytes { Array($0) } }
            var sink = 0
            for i in 0..<20 { sink &+= bare.selectRow(keys[i % keys.count]) }
            await loop(duration, count: count) { i in sink &+= bare.selectRow(keys[i % keys.count]) }
            blackHole(sink)
        }
    }

    /// Says `ready`, waits for `go`, runs `operation` until `duration` has passed (or `count`
    /// times), then reports.
    private static func loop(_ duration: UInt64, count: Int?, _ operation: (Int) async -> Void) async {
        Lines.writeLine(1, "ready")
        guard Lines.readLine(0) == "go" else { fail("the parent did not say go") }
        let start = nanoseconds()
        var ops = 0
        var elapsed: UInt64 = 0
        repeat {
            await operation(ops)
            ops += 1
            elapsed = nanoseconds() - start
        } while count.map { ops < $0 } ?? (elapsed < duration)
        Lines.writeLine(1, "done \(ops) \(elapsed)")
    }
}

func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Keeps the optimizer from dropping work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// Lines over file descriptors, unbuffered: the parent and its children talk over pipes.
enum Lines {
    static func writeLine(_ fd: Int32, _ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { fail("write to the pipe failed") }
            offset += written
        }
    }

    /// The next line, without its newline; nil at the end of the stream.
    static func readLine(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
