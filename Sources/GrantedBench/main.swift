// granted-bench: in-process throughput of Granted's hot paths, in a release build.
//
//     swift run -c release granted-bench [--quick] [--only NAME] [--runs N] [--tokens N] [--list]
//     swift run -c release granted-bench --check [--budgets FILE] [--slow-down PATH=F]
//
// Scenarios live in Scenarios.swift; the harness (`Bench.measure`) in Harness.swift.

let options = Options.parse(CommandLine.arguments)
if options.check { await BudgetCheckRun.run(options) } else { await BenchMain.run(options) }
