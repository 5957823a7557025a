import Foundation
import GrantedBenchBudgets

/// `granted-bench --check [--budgets FILE] [--slow-down PATH=F]`: a quick measurement of every
/// path in the budgets file, then the checker (GrantedBenchBudgets); exits 1 over budget.
///
/// Ratios, not times, because machines differ: each path is measured right after its own
/// primitives (interleaved, so both see the same load), best run of each, and the path's
/// ratio is the median over `rounds` rounds. A path over budget is measured again, `rounds`
/// more times, before it fails. Allocations are counted in a pass of their own (the counting
/// would tax the timed runs), after the scenario's warm-up: the same count every run.
enum BudgetCheckRun {
    static let rounds = 3
    static let runsPerRound = 15

    /// A budgeted path: its scenario and the primitives it is measured against.
    struct Plan {
        let path: String
        let parts: [(String, Int)]
        let scenario: Scenario
    }

    nonisolated static func run(_ options: Options) async {
        let started = nanoseconds()
        let budgets: Budgets
        do { budgets = try Budgets(contentsOf: URL(fileURLWithPath: options.budgetsFile)) } catch {
            fail(error.description)
        }
        let plans = budgets.names.map { path -> Plan in
            guard let recipe = Report.recipes.first(where: { $0.path == path }) else {
                fail("\(path) is budgeted in \(options.budgetsFile) but has no primitives in Report.recipes")
            }
            guard let scenario = Scenario.all.first(where: { $0.measures.contains(path) }) else {
                fail("\(path) is budgeted in \(options.budgetsFile) but no scenario measures it")
            }
            return Plan(path: path, parts: recipe.parts, scenario: scenario)
        }
        for path in options.slowDown.keys where !budgets.paths.keys.contains(path) {
            fail("--slow-down \(path): not a budgeted path (\(budgets.names.joined(separator: ", ")))")
        }
        var base = options
        base.quick = true
        base.runs = runsPerRound
        var shown = base
        shown.quick = false  // the header would call it a smoke run
        say(Machine.header(shown))
        say("mode: --check against \(options.budgetsFile): \(plans.count) paths, \(Format.count(base.prefill)) prefilled tokens, \(rounds) rounds of \(runsPerRound) runs")
        for (path, factor) in options.slowDown.sorted(by: { $0.key < $1.key }) {
            say(String(format: "DELIBERATE SLOWDOWN: %@ made %.2f× slower by busy work (--slow-down)", path, factor))
        }

        var allocations: [String: Double] = [:]
        if Allocations.available {
            var passes: [[Measurement]] = []
            for plan in plans { passes.append(await countAllocations(plan, base)) }
            say("")
            say(allocationTable(passes, into: &allocations))
        } else {
            say("allocations: not counted on this platform (the counting allocator needs glibc, and no sanitizer)")
        }
        if options.allocationsOnly { exit(0) }

        var ratios: [String: [Double]] = [:]
        for round in 1...rounds {
            note("check round \(round) of \(rounds)")
            for plan in plans { ratios[plan.path, default: []].append(await ratio(plan, base)) }
        }
        func sample(_ path: String) -> PathSample {
            PathSample(path: path, ratio: median(ratios[path] ?? []), allocationsPerOp: allocations[path])
        }
        var samples = plans.map { sample($0.path) }
        var report = BudgetCheck.check(samples, against: budgets)
        let overRatio = report.verdicts.filter { !$0.ratioPasses }.map(\.path)
        if !overRatio.isEmpty {
            say("")
            say("over budget at first, measured again before failing: \(overRatio.joined(separator: ", "))")
            say(ratioLines(samples.filter { overRatio.contains($0.path) }, ratios, label: "first"))
            ratios = [:]
            for round in 1...rounds {
                note("re-measuring, round \(round) of \(rounds)")
                for plan in plans where overRatio.contains(plan.path) {
                    ratios[plan.path, default: []].append(await ratio(plan, base))
                }
            }
            samples = samples.map { overRatio.contains($0.path) ? $0.merged(with: sample($0.path)) : $0 }
            say(ratioLines(overRatio.map(sample), ratios, label: "again"))
            report = BudgetCheck.check(samples, against: budgets)
        }
        say("")
        say(report.text)
        say("")
        say("check took \(Format.seconds(nanoseconds() &- started)); load average at end: \(Machine.loadAverage)")
        exit(report.passes ? 0 : 1)
    }

    /// One round for one path: its primitives, then the path, on a fresh bench; the path's best
    /// ns/op ÷ the sum of its primitives' best ns/op, each times how many the path needs.
    static func ratio(_ plan: Plan, _ base: Options) async -> Double {
        var options = base
        options.only = [plan.path] + plan.parts.map(\.0)
        let bench = Bench(options: options)
        await Scenario.primitives.run(bench)
        await plan.scenario.run(bench)
        guard let path = bench.result(plan.path) else { fail("\(plan.path) was not measured") }
        var sum = 0.0
        for (name, count) in plan.parts {
            guard let part = bench.result(name) else { fail("\(name) was not measured") }
            sum += part.minNanosPerOp * Double(count)
        }
        return path.minNanosPerOp / sum
    }

    /// The allocation pass: the path (and its primitives) with counting on in the timed runs.
    static func countAllocations(_ plan: Plan, _ base: Options) async -> [Measurement] {
        var options = base
        options.only = [plan.path] + plan.parts.map(\.0)
        options.countAllocations = true
        let bench = Bench(options: options)
        await Scenario.primitives.run(bench)
        await plan.scenario.run(bench)
        return bench.results
    }

    static func allocationTable(_ passes: [[Measurement]], into perOp: inout [String: Double]) -> String {
        var lines = ["heap allocations per operation (counted in the timed runs, after the warm-up):"]
        var seen: Set<String> = []
        for m in passes.joined() where seen.insert(m.name).inserted {
            guard let total = m.allocations, let each = m.allocationsPerOp else { continue }
            perOp[m.name] = each
            lines.append(
                "  " + m.name.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%8.2f  (%@ in %@ ops)", each, Format.count(Int(total)), Format.count(m.ops * m.runs.count)))
        }
        return lines.joined(separator: "\n")
    }

    static func ratioLines(_ samples: [PathSample], _ ratios: [String: [Double]], label: String) -> String {
        samples.map { sample in
            "  \(sample.path) (\(label)): rounds "
                + (ratios[sample.path] ?? []).map { String(format: "%.2f×", $0) }.joined(separator: " ")
                + String(format: ", median %.2f×", sample.ratio)
        }.joined(separator: "\n")
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .infinity }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
