import Foundation
import GrantedFuzzChecks
import Testing

/// Every input that ever broke an invariant (`Fuzz/regressions/`) and every seed
/// (`Fuzz/corpus/`), replayed through the fuzz targets' checks on each `swift test`.
/// Serialized: the checks share one server and compare its store before and after each input.
@Suite("Fuzz corpus replay", .serialized)
struct FuzzRegressionTests {
    static let inputs: [FuzzInput] = FuzzInput.all()

    @Test("every seed and regression input keeps every invariant", arguments: inputs)
    func replay(_ input: FuzzInput) async throws {
        let target = try #require(FuzzTarget(rawValue: input.target))
        let bytes = try [UInt8](Data(contentsOf: input.url))
        do {
            try await target.check(bytes)
        } catch {
            Issue.record("\(input): \(error)")
        }
    }

    @Test("there is a seed corpus for every fuzz target")
    func everyTargetHasSeeds() {
        let seeded = Set(Self.inputs.filter { $0.kind == "corpus" }.map(\.target))
        #expect(seeded == Set(FuzzTarget.allCases.map(\.rawValue)))
    }
}

struct FuzzInput: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    let kind: String
    let target: String
    let url: URL
    var description: String { "\(kind)/\(target)/\(url.lastPathComponent)" }
    var testDescription: String { description }

    static func all() -> [FuzzInput] {
        let root = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("Fuzz")
        var inputs: [FuzzInput] = []
        for kind in ["corpus", "regressions"] {
            let folder = root.appendingPathComponent(kind)
            let targets = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for target in targets.sorted() {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? []
                for file in files.sorted() where !file.hasPrefix(".") {
                    inputs.append(FuzzInput(kind: kind, target: target, url: folder.appendingPathComponent(target).appendingPathComponent(file)))
                }
            }
        }
        return inputs
    }
}
