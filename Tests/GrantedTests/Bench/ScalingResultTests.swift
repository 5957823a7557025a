import Foundation
import GrantedTesting
import Testing

@testable import GrantedBench

@Suite("granted-bench --scaling: percentiles, sizes and JSON lines")
struct ScalingResultTests {
    @Test(
        "nearest-rank percentiles of 1…n",
        arguments: [
            (n: 1, p50: 1, p99: 1, p999: 1),
            (n: 2, p50: 1, p99: 2, p999: 2),
            (n: 100, p50: 50, p99: 99, p999: 100),
            (n: 1_000, p50: 500, p99: 990, p999: 999),
            (n: 10_000, p50: 5_000, p99: 9_900, p999: 9_990),
        ])
    func percentilesOfARange(n: Int, p50: UInt64, p99: UInt64, p999: UInt64) {
        var samples = (1...UInt64(n)).reversed().map { $0 }
        let summary = LatencySummary(sorting: &samples)
        #expect(summary == LatencySummary(count: n, p50: p50, p99: p99, p999: p999))
        #expect(samples == (1...UInt64(n)).map { $0 })
    }

    @Test("no samples give zeros, not a trap")
    func empty() {
        var samples: [UInt64] = []
        #expect(LatencySummary(sorting: &samples) == LatencySummary(count: 0, p50: 0, p99: 0, p999: 0))
    }

    /// The nearest-rank definition itself: at least p% of samples are ≤ the value, fewer are <.
    @Test("a percentile has at least p% of samples at or below it and fewer below it", arguments: 0..<100)
    func nearestRank(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let n = Int.random(in: 1...500, using: &random)
        let samples = (0..<n).map { _ in UInt64.random(in: 0...50, using: &random) }.sorted()
        for permille in [1, 500, 900, 990, 999, 1_000] {
            let value = LatencySummary.percentile(Double(permille) / 10, ofSorted: samples)
            // At least p·n samples at or below it, and fewer than p·n below it (in integers).
            #expect(samples.filter { $0 <= value }.count * 1_000 >= permille * n)
            #expect(samples.filter { $0 < value }.count * 1_000 < permille * n)
        }
    }

    @Test("throughput is the median slice's: one stalled slice does not move it", arguments: [0, 1, 2, 3, 4])
    func medianRate(stalledSlice: Int) {
        var latencies = [UInt64](repeating: 2_000, count: 1_000)  // 2 µs each: 500,000 ops/s
        latencies[stalledSlice * 200 + 7] = 50_000_000  // a 50 ms stall in one slice of five
        #expect(LatencySummary.medianRate(latencies) == 500_000)
        // Without slices, the stall sets the rate.
        #expect(LatencySummary.medianRate(latencies, slices: 1) < 20_000)
    }

    @Test("a rate of no samples is 0, not a trap")
    func emptyRate() {
        #expect(LatencySummary.medianRate([]) == 0)
    }

    @Test(
        "live-token counts as written on the command line",
        arguments: [
            ("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000), ("10M", 10_000_000), ("2500", 2_500),
            ("1_000", 1_000), ("3K", 3_000),
        ])
    func parsesCounts(text: String, count: Int) {
        #expect(TokenCount.parse(text) == count)
        #expect(TokenCount.parse(TokenCount.label(count)) == count)
    }

    @Test("anything else is refused", arguments: ["", "k", "0", "0k", "-1k", "1.5M", "1G", "１k", "99999999999999999M"])
    func refusesCounts(text: String) {
        #expect(TokenCount.parse(text) == nil)
        #expect(TokenCount.parseList("10k,\(text)") == nil)
    }

    @Test("--scaling --sizes on the command line")
    func options() {
        let options = Options.parse(["granted-bench", "--scaling", "--sizes", "10k,1M", "--only", "bearer", "--json"])
        #expect(options.scaling && options.json)
        #expect(options.sizes == [10_000, 1_000_000])
        #expect(options.selects("bearer") && !options.selects("cc"))
        #expect(Options.parse(["granted-bench"]).sizes == nil)
    }

    @Test("a list keeps its order")
    func parsesLists() {
        #expect(TokenCount.parseList("10k,100k,1M,10M") == [10_000, 100_000, 1_000_000, 10_000_000])
    }

    @Test("a result is one line of JSON with every figure under its key")
    func jsonLine() throws {
        let result = ScalingResult(
            size: 1_000_000, path: "bearer", ops: 200_000, opsPerSecond: 123_456.7, opsPerCPUSecond: 150_000.4,
            latency: LatencySummary(count: 200_000, p50: 1_500, p99: 9_000, p999: 40_000), bytesPerToken: 187.25,
            tokensBefore: 1_000_000, tokensAfter: 1_000_000)
        let line = result.jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "scaling")
        #expect(object["size"] as? Int == 1_000_000)
        #expect(object["path"] as? String == "bearer")
        #expect(object["ops"] as? Int == 200_000)
        #expect(object["ops_per_s"] as? Int == 123_457)
        #expect(object["ops_per_cpu_s"] as? Int == 150_000)
        #expect(object["p50_ns"] as? Int == 1_500)
        #expect(object["p99_ns"] as? Int == 9_000)
        #expect(object["p999_ns"] as? Int == 40_000)
        #expect((object["bytes_per_token"] as? Double).map { abs($0 - 187.2) < 0.06 } == true)
        #expect(object["tokens_before"] as? Int == 1_000_000)
        #expect(object["tokens_after"] as? Int == 1_000_000)
    }

    @Test("a prefilled token has the shape the endpoint issues and is the same every run", arguments: [0, 1, 9_999_999])
    func prefilledTokens(index: Int) {
        let token = ScalingFixture.token(index)
        #expect(token.hasPrefix("gat_") && token.utf8.count == 47)
        #expect(token == ScalingFixture.token(index))
        #expect(token != ScalingFixture.token(index + 1))
    }
}
