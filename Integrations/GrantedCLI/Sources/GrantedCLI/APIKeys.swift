import ArgumentParser
import Foundation
import Granted

/// `granted api-keys`: per-user API keys (`createAPIKey`, `apiKeys(of:)`, `revokeAPIKey`).
struct APIKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys",
        abstract: "Issue, list or revoke a user's API keys.",
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue the user an API key; its value is printed this once (only its digest is stored).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The user (the subject, `sub`) the key acts as.")
        var user: String
        @Option(name: .long, help: "A label for the key, e.g. \"deploy script\".")
        var name: String

        func run() async throws {
            let (subject, name) = (Subject(user), name)
            let issued = try await store.open { store in try await store.server().createAPIKey(for: subject, name: name) }
            if output.json {
                Output.json([
                    "id": issued.record.id.description, "sub": subject.rawValue, "name": name,
                    "key": issued.key, "created_at": Output.timestamp(issued.record.createdAt),
                ])
            } else {
                Output.fields([("id", issued.record.id.description), ("key", issued.key)])
                print("The key above is shown this once.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the user's keys that still work (never their values).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The user (the subject, `sub`).")
        var user: String

        func run() async throws {
            let subject = Subject(user)
            let keys = try await store.open { store in try await store.server().apiKeys(of: subject) }
            if output.json {
                Output.json(keys.map { key in
                    [
                        "id": key.id.description, "sub": key.subject.rawValue, "name": key.name,
                        "created_at": Output.timestamp(key.createdAt),
                    ] as [String: Any]
                })
            } else {
                Output.table(["ID", "NAME", "CREATED"], keys.map { [$0.id.description, $0.name, Output.date($0.createdAt)] })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one of the user's keys by its id; exit 2 when the user has no such active key.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The user (the subject, `sub`).")
        var user: String
        @Argument(help: "The key's id (from `api-keys list`).")
        var id: String

        func validate() throws {
            guard APIKeyID(id) != nil else { throw ValidationError("the id is not a UUID") }
        }

        func run() async throws {
            let subject = Subject(user)
            guard let id = APIKeyID(id) else { throw Failure.usage("the id is not a UUID") }
            let revoked = try await store.open { store in try await store.server().revokeAPIKey(id, of: subject) }
            guard revoked else { throw Failure.notFound("\(user) has no active key \(id)") }
            if output.json {
                Output.json(["revoked": true])
            } else {
                print("revoked")
            }
        }
    }
}
