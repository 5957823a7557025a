/// The first answer a simulation found that the reference model did not allow, with the seed
/// that replays the whole run.
public struct Divergence: Error, Sendable, Hashable, CustomStringConvertible {
    public let seed: UInt64
    /// The step (from 0) whose answer diverged.
    public let step: Int
    /// What the step did, e.g. `exchange (2 at once)`.
    public let action: String
    public let expected: String
    public let actual: String

    public init(seed: UInt64, step: Int, action: String, expected: String, actual: String) {
        self.seed = seed
        self.step = step
        self.action = action
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        "seed \(seed), step \(step), \(action): expected \(expected), got \(actual) "
            + "(replay: GrantSimulation(seed: \(seed), …).run())"
    }
}
