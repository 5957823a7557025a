import Foundation

/// Runs off the main actor: every `await` in a measured body then stays on the cooperative pool
/// instead of hopping back to the main thread per operation.
enum BenchMain {
    nonisolated static func run(_ options: Options) async {
        if options.list {
            for scenario in Scenario.all {
                say("\(scenario.measures.joined(separator: ", ")): \(scenario.summary)")
            }
            return
        }
        if options.scaling { return await Scaling.run(options) }
        let selected = Scenario.all.filter { $0.selected(by: options) }
        guard !selected.isEmpty else { fail("no scenario matches --only \(options.only.joined(separator: ","))") }
        say(Machine.header(options))
        say("store: \(Format.count(options.prefill)) live tokens prefilled before each scenario; \(options.runs) timed runs each")
        say("")
        let bench = Bench(options: options)
        for scenario in selected {
            note("\(scenario.name): \(scenario.summary)")
            await scenario.run(bench)
        }
        say(bench.table())
        say("")
        say(Report.primitiveRatios(bench))
        if let perToken = bench.memoryPerToken {
            say("memory per live token: \(Format.count(Int(perToken.rounded()))) bytes (target ≤ 256)")
        }
        // Each two-caller run against the one-caller run just before it, on the same server.
        if !bench.scalingRatios.isEmpty {
            say(String(
                format: "two callers vs one (client credentials, cc.2callers ÷ cc.2callers.1, runs paired): median %.2f×, lowest %.2f× (target ≥ 1.8×)",
                BudgetCheckRun.median(bench.scalingRatios), bench.scalingRatios.min() ?? 0))
            say("  each pair: " + bench.scalingRatios.map { String(format: "%.2f×", $0) }.joined(separator: " "))
        }
        if options.json {
            for line in Report.jsonLines(bench) { say(line) }
        }
        say("")
        say("load average at end: \(Machine.loadAverage)")
    }
}
