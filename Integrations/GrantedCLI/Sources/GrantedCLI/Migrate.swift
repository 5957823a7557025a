import ArgumentParser
import Foundation
import Granted

/// `granted migrate`: creates the store (a SQLite file that does not exist yet, a PostgreSQL
/// schema) and applies every migration it lacks. Safe to run again and from several processes.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the store or bring its schema up to date; print the migrations applied.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let applied = try await store.open(creating: true) { store in try await store.migrations() }
        if output.json {
            Output.json(["migrations": applied])
        } else {
            Output.table(["MIGRATION"], applied.map { [$0] })
        }
    }
}

/// `granted purge`: deletes records dead (expired, revoked, redeemed) for longer than the age.
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete records dead (expired, revoked, redeemed) for longer than --older-than.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(
        name: .long,
        help: "Age in seconds a record must have been dead (default one day; keep it above the code lifetime so code replays are still recognised).")
    var olderThan: Int = 24 * 3600

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than must be 0 or more seconds") }
    }

    func run() async throws {
        let age = TimeInterval(olderThan)
        let deleted = try await store.open { store in try await store.server().purge(deadFor: age) }
        if output.json {
            Output.json(["deleted": deleted])
        } else {
            print("deleted \(deleted) record\(deleted == 1 ? "" : "s")")
        }
    }
}
