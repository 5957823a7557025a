import Foundation

/// One path as measured by `granted-bench --check`.
package struct PathSample: Sendable, Hashable {
    package var path: String
    /// The path's ns/op ÷ the sum of its primitives' ns/op (each weighted by how many the path
    /// needs), both measured in the same round.
    package var ratio: Double
    /// Heap allocations per operation; nil where the bench cannot count them (not glibc).
    package var allocationsPerOp: Double?

    package init(path: String, ratio: Double, allocationsPerOp: Double?) {
        self.path = path
        self.ratio = ratio
        self.allocationsPerOp = allocationsPerOp
    }

    /// A re-measurement folded into the first: the lower ratio (load only ever slows a run
    /// down, so the lower one is nearer the truth) and the higher allocation count (they
    /// should agree; if not, the worse one is the one to report).
    package func merged(with remeasured: PathSample) -> PathSample {
        let allocations: Double? =
            switch (allocationsPerOp, remeasured.allocationsPerOp) {
            case (let a?, let b?): max(a, b)
            case (let a?, nil): a
            case (nil, let b): b
            }
        return PathSample(path: path, ratio: min(ratio, remeasured.ratio), allocationsPerOp: allocations)
    }
}

/// A path's verdict against its budget.
package struct PathVerdict: Sendable, Hashable {
    package var path: String
    package var budget: PathBudget
    package var sample: PathSample?
    package var ratioLimit: Double

    /// Within `maxRatio × ratioTolerance`; a path that was not measured fails.
    package var ratioPasses: Bool { sample.map { $0.ratio <= ratioLimit } ?? false }
    /// Within `maxAllocationsPerOp`; true where allocations are not counted.
    package var allocationsPass: Bool {
        guard let allocations = sample?.allocationsPerOp else { return sample != nil }
        // Per operation, totals jitter by a few allocations in tens of thousands between runs
        // (code: 9 in 640 operations, 0.014 per op); a tenth per op absorbs that and still
        // fails a path that allocates once more in every ten operations.
        return allocations <= budget.maxAllocationsPerOp + BudgetCheck.allocationJitter
    }
    package var passes: Bool { ratioPasses && allocationsPass }

    /// What is wrong, in words; empty when the path passes.
    package var problems: [String] {
        guard let sample else { return ["not measured"] }
        var problems: [String] = []
        if !ratioPasses {
            problems.append(
                String(
                    format: "ratio %.2f× over its limit %.2f× (budget %.2f× + tolerance), %.0f%% over budget",
                    sample.ratio, ratioLimit, budget.maxRatio, (sample.ratio / budget.maxRatio - 1) * 100))
        }
        if !allocationsPass, let allocations = sample.allocationsPerOp {
            problems.append(
                String(format: "%.2f allocations per op over its budget of %.2f", allocations, budget.maxAllocationsPerOp))
        }
        return problems
    }
}

/// The checker behind `granted-bench --check`: pure, so tests can hand it measurements.
package enum BudgetCheck {
    /// Allocations per operation a path may run over its budget (see `allocationsPass`).
    package static let allocationJitter = 0.1

    /// Every budgeted path against its budget; measured paths without a budget are ignored.
    package static func check(_ samples: [PathSample], against budgets: Budgets) -> BudgetReport {
        let byPath = Dictionary(samples.map { ($0.path, $0) }, uniquingKeysWith: { $0.merged(with: $1) })
        let verdicts = budgets.names.compactMap { path -> PathVerdict? in
            guard let budget = budgets.paths[path] else { return nil }
            return PathVerdict(
                path: path, budget: budget, sample: byPath[path],
                ratioLimit: budget.ratioLimit(tolerance: budgets.ratioTolerance))
        }
        return BudgetReport(verdicts: verdicts, ratioTolerance: budgets.ratioTolerance)
    }
}

/// Every path's verdict, and the table `granted-bench --check` prints.
package struct BudgetReport: Sendable, Hashable {
    package var verdicts: [PathVerdict]
    package var ratioTolerance: Double

    package var passes: Bool { verdicts.allSatisfy(\.passes) }
    package var failingPaths: [String] { verdicts.filter { !$0.passes }.map(\.path) }

    /// One row per path: measured ratio, budget, limit, allocations per op and budget, verdict.
    package var text: String {
        let header = ["path", "ratio", "budget", "limit", "allocs/op", "budget", "verdict"]
        let rows = verdicts.map { v -> [String] in
            [
                v.path,
                v.sample.map { String(format: "%.2f×", $0.ratio) } ?? "-",
                String(format: "%.2f×", v.budget.maxRatio),
                String(format: "%.2f×", v.ratioLimit),
                v.sample?.allocationsPerOp.map { String(format: "%.2f", $0) } ?? "not counted",
                String(format: "%.2f", v.budget.maxAllocationsPerOp),
                v.passes ? "ok" : "FAIL: " + v.problems.joined(separator: "; "),
            ]
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return i == 0 || i == cells.count - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let summary =
            passes
            ? "budgets: all \(verdicts.count) paths within budget"
            : "budgets: \(failingPaths.count) of \(verdicts.count) paths over budget: \(failingPaths.joined(separator: ", "))"
        let tolerance = String(format: "a ratio may run %.0f%% over its budget", (ratioTolerance - 1) * 100)
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + rows.map(line) + ["", "\(summary) (\(tolerance); allocations may run 0.1 per op over)"]).joined(separator: "\n")
    }
}
