import ArgumentParser
import Foundation
import Granted
import GrantedCrypto

/// `granted keys`: the ID token signing keys in a JSON file, rotated by GrantedCrypto's
/// `KeyRing` (publish a next key, activate it once relying parties had `--publication-lead` to
/// fetch it, keep the retired one published while tokens it signed live). The file keeps the
/// private keys (PEM) and the ring's history; the ring is rebuilt by replaying it, so its rules
/// decide every phase. The file is created readable by its owner only.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate, rotate or list ID token signing keys kept in a JSON file.",
        subcommands: [Generate.self, Rotate.self, List.self])

    struct FileOptions: ParsableArguments {
        @Option(name: .long, help: "The keys file (JSON; holds private keys: keep it secret).")
        var file: String
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the keys file with one active key; refused (exit 3) when the file exists.")

        @OptionGroup var file: FileOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "ES256, EdDSA, RS256 or PS256.")
        var algorithm: String = "ES256"
        @Option(name: .long, help: "Seconds a next key is published before it may sign (relying parties' JWKS cache).")
        var publicationLead: Int = 24 * 3600
        @Option(name: .long, help: "Seconds a retired key stays published: the longest lifetime of what it signed.")
        var retention: Int = 14 * 24 * 3600

        func run() async throws {
            guard !FileManager.default.fileExists(atPath: file.file) else {
                throw Failure.refused("\(file.file) exists: use `granted keys rotate`")
            }
            guard publicationLead >= 0, retention >= 0 else { throw Failure.usage("durations are 0 or more seconds") }
            let now = Date()
            let key = try KeyFile.Key.generate(algorithm)
            let keyFile = KeyFile(
                publicationLead: publicationLead, retention: retention, keys: [key],
                events: [.init(event: "generate", kid: key.kid, at: now.timeIntervalSince1970)])
            _ = try keyFile.ring()
            try keyFile.save(to: file.file)
            try Keys.print(keyFile, at: now, json: output.json)
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a next key when there is none; else activate it, once its publication lead has passed.",
            discussion: "Refused (exit 3) while the next key is still propagating; exit 2 when the file does not exist.")

        @OptionGroup var file: FileOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The next key's algorithm (default: the active key's).")
        var algorithm: String?

        func run() async throws {
            var keyFile = try KeyFile.load(from: file.file)
            let now = Date()
            var ring = try keyFile.ring()
            ring.expire(at: now)
            let hasNext = ring.entries.contains { if case .next = $0.phase { true } else { false } }
            if hasNext {
                do { try ring.rotate(at: now) } catch {
                    throw Failure.refused(Keys.describe(error))
                }
                keyFile.events.append(.init(event: "rotate", kid: nil, at: now.timeIntervalSince1970))
            } else {
                let key = try KeyFile.Key.generate(algorithm ?? ring.active.algorithm.rawValue)
                do { try ring.publish(try key.signer(), at: now) } catch let error as KeyRing.RotationError {
                    throw Failure.refused(Keys.describe(error))
                }
                keyFile.keys.append(key)
                keyFile.events.append(.init(event: "publish", kid: key.kid, at: now.timeIntervalSince1970))
            }
            try keyFile.save(to: file.file)
            try Keys.print(keyFile, at: now, json: output.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys and their phases (never the private keys).")

        @OptionGroup var file: FileOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try Keys.print(try KeyFile.load(from: file.file), at: Date(), json: output.json)
        }
    }

    static func describe(_ error: KeyRing.RotationError) -> String {
        switch error {
        case .nextAlreadyPublished: "a next key is already published"
        case .noNextKey: "no next key is published"
        case .nextNotYetPropagated(let at): "the next key may sign from \(Output.date(at)) on (its publication lead)"
        case .duplicateKeyID(let kid): "a published key already has the kid \(kid ?? "-")"
        }
    }

    /// The ring's entries at `now`: kid, algorithm, phase and its times.
    static func print(_ keyFile: KeyFile, at now: Date, json: Bool) throws {
        var ring = try keyFile.ring()
        ring.expire(at: now)
        let rows: [[String: Any]] = ring.entries.map { entry in
            var row: [String: Any] = [
                "kid": entry.signer.keyID ?? NSNull(), "alg": entry.signer.algorithm.rawValue,
            ]
            switch entry.phase {
            case .next(let publishedAt, let activatableAt):
                row["phase"] = "next"
                row["published_at"] = Output.timestamp(publishedAt)
                row["activatable_at"] = Output.timestamp(activatableAt)
            case .active(let since):
                row["phase"] = "active"
                row["since"] = Output.timestamp(since)
            case .retired(let at, let removeAt):
                row["phase"] = "retired"
                row["retired_at"] = Output.timestamp(at)
                row["remove_at"] = Output.timestamp(removeAt)
            case .removed(let at):
                row["phase"] = "removed"
                row["removed_at"] = Output.timestamp(at)
            }
            return row
        }
        if json {
            Output.json(rows)
        } else {
            Output.table(
                ["KID", "ALG", "PHASE"],
                rows.map { [$0["kid"] as? String ?? "-", $0["alg"] as? String ?? "", $0["phase"] as? String ?? ""] })
        }
    }
}

/// The keys file: private keys as PEM, and the ring's history to replay.
struct KeyFile: Codable {
    struct Key: Codable {
        var kid: String
        var alg: String
        var pem: String

        static func generate(_ algorithm: String) throws(Failure) -> Key {
            let alg = JWSAlgorithm(rawValue: algorithm)
            do {
                let key = try PrivateSigningKey.generate(for: alg)
                let signer = try AsymmetricSigner(key: key, algorithm: alg)
                return Key(kid: signer.keyID ?? "", alg: algorithm, pem: key.pem)
            } catch {
                throw .refused("cannot make a \(algorithm) key: ES256, EdDSA, RS256 or PS256")
            }
        }

        func signer() throws(Failure) -> AsymmetricSigner {
            do {
                return try AsymmetricSigner(
                    key: try PrivateSigningKey(pem: pem), algorithm: JWSAlgorithm(rawValue: alg), keyID: kid)
            } catch {
                throw .refused("the key \(kid) in the keys file is not usable")
            }
        }
    }

    struct Event: Codable {
        /// `generate` (the first active key), `publish` (a next key), `rotate`.
        var event: String
        var kid: String?
        var at: Double
    }

    enum CodingKeys: String, CodingKey {
        case publicationLead = "publication_lead", retention, keys, events
    }

    var publicationLead: Int
    var retention: Int
    var keys: [Key]
    var events: [Event]

    /// The `KeyRing` the history leads to.
    func ring() throws(Failure) -> KeyRing {
        var ring: KeyRing?
        for event in events {
            let at = Date(timeIntervalSince1970: event.at)
            let key = keys.first { $0.kid == event.kid }
            switch (event.event, key) {
            case ("generate", let key?) where ring == nil:
                ring = KeyRing(
                    active: try key.signer(), at: at, publicationLead: TimeInterval(publicationLead),
                    longestTokenLifetime: TimeInterval(retention))
            case ("publish", let key?) where ring != nil:
                do { try ring?.publish(try key.signer(), at: at) } catch { throw .refused("the keys file's history is inconsistent") }
            case ("rotate", _) where ring != nil:
                do { try ring?.rotate(at: at) } catch { throw .refused("the keys file's history is inconsistent") }
            default:
                throw .refused("the keys file's history is inconsistent")
            }
        }
        guard let ring else { throw .refused("the keys file has no key") }
        return ring
    }

    static func load(from path: String) throws(Failure) -> KeyFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw .notFound("no keys file at \(path)") }
        do { return try JSONDecoder().decode(KeyFile.self, from: data) } catch {
            throw .refused("\(path) is not a keys file")
        }
    }

    /// Writes the file atomically, readable and writable by its owner only.
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.refused("cannot write \(path)")
        }
        // rename(2) replaces the file atomically: a reader sees the old file or the new one.
        guard Foundation.rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure.refused("cannot write \(path)")
        }
    }
}
