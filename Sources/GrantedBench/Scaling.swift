import Foundation
@_spi(Benchmarks) import Granted

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `granted-bench --scaling`: how throughput, latency percentiles and resident bytes per token
/// move as the store grows from 10k to 10M live access tokens (issue 20).
enum Scaling {
    static let defaultSizes = [10_000, 100_000, 1_000_000, 10_000_000]
    static let quickSizes = [10_000, 100_000]

    static func run(_ options: Options) async {
        let sizes = options.sizes ?? (options.quick ? quickSizes : defaultSizes)
        say(Machine.header(options))
        say("scaling: a fresh store per size, prefilled with that many live tokens; every operation timed alone")
        say("")
        var results: [ScalingResult] = []
        for size in sizes {
            results += await measure(size: size, options: options)
        }
        say(table(results))
        if options.json {
            say("")
            for result in results { say(result.jsonLine) }
        }
        say("")
        say("load average at end: \(Machine.loadAverage)")
    }

    /// Prefills one store with `size` tokens and times each path against it: the read-only
    /// paths first, so they see exactly `size` tokens; cc and refresh then add theirs.
    private static func measure(size: Int, options: Options) async -> [ScalingResult] {
        releaseFreedMemory()
        let readOps = options.ops(200_000)
        // Paths that issue add a token per operation: at most a tenth of the store, at least
        // 10,000 operations so p99.9 rests on ten samples.
        let growingOps = options.ops(max(10_000, min(100_000, size / 10)))
        let before = Machine.residentBytes ?? 0
        let start = nanoseconds()
        let fixture = ScalingFixture(prefill: size)
        let after = Machine.residentBytes ?? 0
        let bytesPerToken = Double(after - before) / Double(size)
        note(
            "\(TokenCount.label(size)): prefilled in \(Format.seconds(nanoseconds() - start)), "
                + String(format: "%.1f resident bytes per token", bytesPerToken))

        var results: [ScalingResult] = []
        func record(_ path: String, _ tokensBefore: Int, _ timed: Timed) {
            var latencies = timed.latencies
            let result = ScalingResult(
                size: size, path: path, ops: latencies.count,
                opsPerSecond: LatencySummary.medianRate(timed.latencies),
                opsPerCPUSecond: Double(latencies.count) * 1e9 / Double(max(1, timed.cpuNanos)),
                latency: LatencySummary(sorting: &latencies), bytesPerToken: bytesPerToken,
                tokensBefore: tokensBefore, tokensAfter: fixture.store.accessTokenCount)
            note(
                "\(TokenCount.label(size)) \(path): \(Format.rate(result.opsPerSecond)) ops/s, "
                    + "\(Format.rate(result.opsPerCPUSecond)) per CPU s, p50 \(result.latency.p50) ns, "
                    + "p99 \(result.latency.p99) ns, p99.9 \(result.latency.p999) ns")
            results.append(result)
        }
        for path in ["bearer", "introspect", "refresh", "cc"] where options.selects(path) {
            let tokensBefore = fixture.store.accessTokenCount
            switch path {
            case "bearer": record(path, tokensBefore, await fixture.bearer(ops: readOps))
            case "introspect": record(path, tokensBefore, await fixture.introspect(ops: readOps))
            case "refresh": record(path, tokensBefore, await fixture.refresh(ops: growingOps))
            default: record(path, tokensBefore, await fixture.clientCredentials(ops: growingOps))
            }
        }
        return results
    }

    /// Hands memory freed by the previous size back to the kernel, so the next size's resident
    /// growth is its own and not hidden by reuse of pages the allocator kept.
    private static func releaseFreedMemory() {
        #if canImport(Glibc)
            // glibc's malloc_trim, which the Glibc module does not export (malloc.h): found at
            // run time through RTLD_DEFAULT (a null handle).
            typealias Trim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    /// Times `ops` calls of `body` one by one into a buffer allocated before the clock starts,
    /// after an untimed warm-up of a tenth as many; each latency runs from the previous one's
    /// end, so they add up to the loop's wall time. `body` gets the call's index, counting on
    /// from the warm-up's, and checks its own answer.
    static func timeEach(ops: Int, _ body: (Int) async -> Void) async -> Timed {
        let warmup = max(1, ops / 10)
        for index in 0..<warmup { await body(index) }
        var latencies = [UInt64](repeating: 0, count: ops)
        let cpuStart = processCPUNanoseconds()
        var previous = nanoseconds()
        for slot in 0..<ops {
            await body(warmup + slot)
            let now = nanoseconds()
            latencies[slot] = now &- previous
            previous = now
        }
        return Timed(latencies: latencies, cpuNanos: processCPUNanoseconds() &- cpuStart)
    }

    /// One timed loop: each operation's wall time, and the CPU time the process spent on all.
    struct Timed {
        var latencies: [UInt64]
        var cpuNanos: UInt64
    }

    /// CPU time of the whole process (every thread: the measured task may change threads at an
    /// `await`), which a busy machine's preemptions do not add to as they add to wall time.
    private static func processCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    static func table(_ results: [ScalingResult]) -> String {
        let header = [
            "live tokens", "path", "ops", "ops/s", "ops/CPU s", "p50 ns", "p99 ns", "p99.9 ns", "bytes/token", "tokens after",
        ]
        let rows = results.map { r -> [String] in
            [
                TokenCount.label(r.size), r.path, Format.count(r.ops), Format.rate(r.opsPerSecond),
                Format.rate(r.opsPerCPUSecond),
                Format.count(Int(r.latency.p50)), Format.count(Int(r.latency.p99)),
                Format.count(Int(r.latency.p999)), String(format: "%.1f", r.bytesPerToken), Format.count(r.tokensAfter),
            ]
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 1 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
