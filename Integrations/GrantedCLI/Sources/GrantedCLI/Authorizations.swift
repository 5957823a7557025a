import ArgumentParser
import Foundation
import Granted

/// `granted authorizations`: a user's authorized apps, and taking access back, through the
/// same calls a host's account page makes (`authorizations(of:)`, `revokeAuthorization`).
struct Authorizations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a user's active authorizations, or revoke one with every token hanging from it.",
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the user's active authorizations, one per client.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The user (the subject, `sub`).")
        var user: String

        func run() async throws {
            let subject = Subject(user)
            let list = try await store.open { store in try await store.server().authorizations(of: subject) }
            if output.json {
                Output.json(list.map { authorization in
                    [
                        "id": authorization.id.description, "sub": authorization.subject.rawValue,
                        "client_id": authorization.client.rawValue, "scope": authorization.scopes.description,
                        "created_at": Output.timestamp(authorization.createdAt),
                        "updated_at": Output.timestamp(authorization.updatedAt),
                    ] as [String: Any]
                })
            } else {
                Output.table(
                    ["ID", "CLIENT_ID", "SCOPE", "CREATED"],
                    list.map { [$0.id.description, $0.client.rawValue, $0.scopes.description, Output.date($0.createdAt)] })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one of the user's authorizations, by its id or by --client; exit 2 when none is active.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The user (the subject, `sub`).")
        var user: String
        @Argument(help: "The authorization's id (from `authorizations list`).")
        var id: String?
        @Option(name: .long, help: "Revoke the user's authorization of this client instead of giving an id.")
        var client: String?

        func validate() throws {
            guard (id == nil) != (client == nil) else { throw ValidationError("give an authorization id or --client, not both") }
            if let id, AuthorizationID(id) == nil { throw ValidationError("the id is not a UUID") }
        }

        func run() async throws {
            let subject = Subject(user)
            let id = id.flatMap { AuthorizationID($0) }
            let client = client.map { ClientID($0) }
            let revoked = try await store.open { store in
                let server = store.server()
                if let id { return try await server.revokeAuthorization(id, of: subject) }
                return try await server.revokeAuthorization(of: subject, for: client!)
            }
            guard revoked else { throw Failure.notFound("no active authorization of \(user) matches") }
            if output.json {
                Output.json(["revoked": true])
            } else {
                print("revoked")
            }
        }
    }
}
