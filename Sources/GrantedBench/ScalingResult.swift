import Foundation

/// Per-operation latencies of one timed loop, summarised by nearest rank.
struct LatencySummary: Sendable, Equatable {
    let count: Int
    let p50: UInt64
    let p99: UInt64
    let p999: UInt64
}

extension LatencySummary {
    /// Sorts `nanos` in place (it is the caller's preallocated buffer) and reads the percentiles.
    init(sorting nanos: inout [UInt64]) {
        nanos.sort()
        count = nanos.count
        p50 = Self.percentile(50, ofSorted: nanos)
        p99 = Self.percentile(99, ofSorted: nanos)
        p999 = Self.percentile(99.9, ofSorted: nanos)
    }

    /// The nearest-rank percentile: the smallest sample with at least `percent`% of all samples
    /// at or below it (the `⌈p·n⌉`th smallest). `percent` counts in tenths (99.9); 0 for no samples.
    static func percentile(_ percent: Double, ofSorted sorted: [UInt64]) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        // In whole permille, so 99.9% of 1,000 is rank 999 exactly, with no rounding of a product.
        let permille = Int((percent * 10).rounded())
        let rank = (permille * sorted.count + 999) / 1_000
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension LatencySummary {
    /// Operations per second: the median over `slices` consecutive slices of the timed loop (the
    /// harness's median of 5 runs), so one slice a busy machine stalls does not set the figure.
    /// `latencies` are back to back, so a slice's sum is its wall time.
    static func medianRate(_ latencies: [UInt64], slices: Int = 5) -> Double {
        let slices = min(slices, latencies.count)
        guard slices > 0 else { return 0 }
        var rates: [Double] = []
        for slice in 0..<slices {
            let range = (slice * latencies.count / slices)..<((slice + 1) * latencies.count / slices)
            let nanos = latencies[range].reduce(0, &+)
            rates.append(nanos == 0 ? 0 : Double(range.count) * 1e9 / Double(nanos))
        }
        rates.sort()
        return slices % 2 == 1 ? rates[slices / 2] : (rates[slices / 2 - 1] + rates[slices / 2]) / 2
    }
}

/// One (live tokens, path) row of `granted-bench --scaling`.
struct ScalingResult: Sendable, Equatable {
    /// Live access tokens prefilled into a fresh store.
    let size: Int
    /// `cc`, `bearer`, `introspect` or `refresh`.
    let path: String
    /// Timed operations (each one's latency recorded).
    let ops: Int
    /// Operations per second (`LatencySummary.medianRate`), timer reads included.
    let opsPerSecond: Double
    /// Operations per second of the process's CPU time over the whole loop: what the path costs
    /// when it has a core to itself, read on a machine where it does not.
    let opsPerCPUSecond: Double
    let latency: LatencySummary
    /// Growth of the resident set during the prefill, divided by `size`.
    let bytesPerToken: Double
    /// Access tokens in the store when the path started and when it ended (cc and refresh add).
    let tokensBefore: Int
    let tokensAfter: Int

    /// One JSON object on one line, keys in a fixed order, for `Benchmarks/plot_scaling.py`.
    var jsonLine: String {
        String(
            format: #"{"kind": "scaling", "size": %ld, "path": "%@", "ops": %ld, "ops_per_s": %.0f, "ops_per_cpu_s": %.0f, "p50_ns": %llu, "p99_ns": %llu, "p999_ns": %llu, "bytes_per_token": %.1f, "tokens_before": %ld, "tokens_after": %ld}"#,
            size, path, ops, opsPerSecond, opsPerCPUSecond, latency.p50, latency.p99, latency.p999, bytesPerToken, tokensBefore,
            tokensAfter)
    }
}

/// Live-token counts as people write them: `10k`, `1M`, `2500`.
enum TokenCount {
    /// `10k` → 10,000, `1M` → 1,000,000, `2500` → 2,500 (`_` ignored); nil unless a positive count.
    static func parse(_ text: String) -> Int? {
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        var scale = 1
        switch digits.last {
        case "k"?, "K"?: scale = 1_000
        case "M"?, "m"?: scale = 1_000_000
        default: break
        }
        if scale > 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let n = Int(digits), n > 0
        else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// `10k,1M` → [10,000, 1,000,000]; nil if any item is not a count.
    static func parseList(_ text: String) -> [Int]? {
        var counts: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let n = parse(String(item)) else { return nil }
            counts.append(n)
        }
        return counts
    }

    /// 10,000 → `10k`, 1,000,000 → `1M`, other counts in plain digits (so `parse` reads it back).
    static func label(_ n: Int) -> String {
        if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
        if n >= 1_000 && n % 1_000 == 0 { return "\(n / 1_000)k" }
        return String(n)
    }
}
