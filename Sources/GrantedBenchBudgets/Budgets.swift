import Foundation

/// What `Benchmarks/budgets.json` allows each budgeted path of `granted-bench`: ratios to the
/// path's own primitives measured in the same run (machines differ, ratios travel), and
/// allocations per operation (counted, so exact on every machine with the same libraries).
package struct Budgets: Sendable, Hashable, Decodable {
    /// How far a measured ratio may run over its budget before the check fails: 1.2 lets a
    /// ratio run 20% over (noise on a busy machine); a 30% regression still fails.
    package var ratioTolerance: Double
    package var paths: [String: PathBudget]

    package init(ratioTolerance: Double, paths: [String: PathBudget]) {
        self.ratioTolerance = ratioTolerance
        self.paths = paths
    }

    /// Reads and validates a budgets file.
    /// - Throws: `BudgetFileError` naming the file and what is wrong with it.
    package init(contentsOf file: URL) throws(BudgetFileError) {
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw .unreadable(file.path) }
        try self.init(json: data, source: file.path)
    }

    /// Decodes and validates budgets; `source` names them in errors.
    /// - Throws: `BudgetFileError` when the JSON does not decode or a budget is not usable.
    package init(json: Data, source: String) throws(BudgetFileError) {
        let decoded: Budgets
        do { decoded = try JSONDecoder().decode(Budgets.self, from: json) } catch {
            throw .malformed(source, String(describing: error))
        }
        guard decoded.ratioTolerance >= 1, decoded.ratioTolerance.isFinite else {
            throw .invalid(source, "ratioTolerance must be a finite number ≥ 1")
        }
        guard !decoded.paths.isEmpty else { throw .invalid(source, "no paths are budgeted") }
        for (path, budget) in decoded.paths.sorted(by: { $0.key < $1.key }) {
            guard budget.maxRatio > 0, budget.maxRatio.isFinite else {
                throw .invalid(source, "\(path): maxRatio must be a positive number")
            }
            guard budget.maxAllocationsPerOp >= 0, budget.maxAllocationsPerOp.isFinite else {
                throw .invalid(source, "\(path): maxAllocationsPerOp must be a number ≥ 0")
            }
        }
        self = decoded
    }

    /// The budgeted paths, in a stable order.
    package var names: [String] { paths.keys.sorted() }
}

/// One path's budget.
package struct PathBudget: Sendable, Hashable, Codable {
    /// The most the path may cost per operation, as a multiple of the sum of its primitives'
    /// costs per operation measured in the same run.
    package var maxRatio: Double
    /// The most heap allocations one operation may make.
    package var maxAllocationsPerOp: Double

    package init(maxRatio: Double, maxAllocationsPerOp: Double) {
        self.maxRatio = maxRatio
        self.maxAllocationsPerOp = maxAllocationsPerOp
    }

    /// The highest ratio that still passes.
    package func ratioLimit(tolerance: Double) -> Double { maxRatio * tolerance }
}

/// Why a budgets file cannot be used.
package enum BudgetFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(String)
    case malformed(String, String)
    case invalid(String, String)

    package var description: String {
        switch self {
        case .unreadable(let file): "cannot read the budgets file \(file)"
        case .malformed(let file, let why): "\(file) is not a budgets file: \(why)"
        case .invalid(let file, let why): "\(file): \(why)"
        }
    }
}
