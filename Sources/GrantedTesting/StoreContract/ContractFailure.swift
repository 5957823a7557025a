/// A store broke the contract: what was expected, and where the contract says so.
public struct ContractFailure: Error, CustomStringConvertible {
    public let message: String
    public let file: String
    public let line: Int

    public init(_ message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Throws a `ContractFailure` unless `condition` holds.
func expect(
    _ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line
) throws(ContractFailure) {
    guard condition else { throw ContractFailure(message(), file: file, line: line) }
}

/// Throws a `ContractFailure` unless the two are equal; the message shows both.
func expectEqual<T: Equatable>(
    _ actual: T, _ expected: T, _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line
) throws(ContractFailure) {
    guard actual == expected else {
        throw ContractFailure("\(what()): expected \(expected), got \(actual)", file: file, line: line)
    }
}

/// The value, or a `ContractFailure` when it is nil.
func require<T>(
    _ value: T?, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line
) throws(ContractFailure) -> T {
    guard let value else { throw ContractFailure(message(), file: file, line: line) }
    return value
}
