import Foundation
import Testing

/// `granted keys`, run as a child process on a keys file in a temporary directory.
@Suite("granted keys")
struct KeysTests {
    static func withFile(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("granted-keys-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.appendingPathComponent("keys.json").path)
    }

    @Test("generate, then rotate: publish a next key, refuse to activate it early, activate it after its lead", arguments: ["ES256", "EdDSA"])
    func lifecycle(_ algorithm: String) throws {
        try Self.withFile { (file: String) throws in
            #expect(try GrantedRun.run(["keys", "list", "--file", file]).status == 2)
            let generated = try GrantedRun.run(
                ["keys", "generate", "--file", file, "--algorithm", algorithm, "--publication-lead", "1", "--json"])
            #expect(generated.status == 0, "\(generated.error)")
            let first = try generated.array()
            #expect(first.count == 1)
            #expect(first[0]["phase"] as? String == "active")
            #expect(first[0]["alg"] as? String == algorithm)
            let activeKID = try #require(first[0]["kid"] as? String)
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!generated.output.contains("PRIVATE KEY"))
            #expect(try GrantedRun.run(["keys", "generate", "--file", file]).status == 3)

            let published = try GrantedRun.run(["keys", "rotate", "--file", file, "--json"]).array()
            #expect(published.map { $0["phase"] as? String } == ["active", "next"])
            let nextKID = try #require(published[1]["kid"] as? String)
            #expect(nextKID != activeKID)
            // KeyRing: the next key may not sign before relying parties had the lead to fetch it.
            let early = try GrantedRun.run(["keys", "rotate", "--file", file])
            #expect(early.status == 3)
            Thread.sleep(forTimeInterval: 1.2)
            let rotated = try GrantedRun.run(["keys", "rotate", "--file", file, "--json"]).array()
            #expect(rotated.map { $0["phase"] as? String } == ["retired", "active"])
            #expect(rotated.map { $0["kid"] as? String } == [activeKID, nextKID])
            let listed = try GrantedRun.run(["keys", "list", "--file", file])
            #expect(listed.output.contains(nextKID))
            #expect(listed.output.contains("retired"))
        }
    }

    @Test("An unknown algorithm is refused and writes nothing")
    func unknownAlgorithm() throws {
        try Self.withFile { (file: String) throws in
            #expect(try GrantedRun.run(["keys", "generate", "--file", file, "--algorithm", "HS256"]).status == 3)
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }
}
