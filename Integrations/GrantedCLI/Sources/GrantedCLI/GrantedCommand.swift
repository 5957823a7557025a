import ArgumentParser
import Foundation

/// `granted`, the operator's command line. Every subcommand opens the store named by `--store`
/// (or `GRANTED_STORE`), does one thing through Granted's own rules, and exits with a code a
/// script can rely on (`ExitStatus`).
@main
struct GrantedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "granted",
        abstract: "Operate a Granted authorization server's store: clients, tokens, authorizations, API keys, keys.",
        discussion: """
            The store is --store sqlite:PATH or --store postgres://USER@HOST/DB (or GRANTED_STORE).
            Output is a table for people; --json prints JSON for scripts. Secrets (client secrets,
            API keys) are printed once, when issued, and never logged.

            Exit codes:
              0  success
              1  usage error (unknown command, missing or malformed argument)
              2  not found (no such client, token, authorization or key)
              3  refused: invalid input (bad metadata, a short server key, a rotation too early)
              4  store unavailable (no database at the path, cannot connect, store error)
            """,
        subcommands: [
            Migrate.self, Clients.self, Tokens.self, Authorizations.self, APIKeys.self, Keys.self, Purge.self,
        ])

    /// Maps every failure to its documented exit code; ArgumentParser's own usage errors
    /// (its exit code 64) become 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            Output.error(failure.message)
            Foundation.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(ExitStatus.success.rawValue)
            }
            Output.error(message)
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}

/// The exit codes `granted --help` and the README state.
enum ExitStatus: Int32 {
    case success = 0
    case usage = 1
    case notFound = 2
    case refused = 3
    case storeUnavailable = 4
}

/// A failure the operator is told about, with its exit code. Messages are Granted's own words
/// and the operator's identifiers, never a secret.
struct Failure: Error {
    let status: ExitStatus
    let message: String

    static func notFound(_ message: String) -> Failure { Failure(status: .notFound, message: message) }
    static func refused(_ message: String) -> Failure { Failure(status: .refused, message: message) }
    static func unavailable(_ message: String) -> Failure { Failure(status: .storeUnavailable, message: message) }
    static func usage(_ message: String) -> Failure { Failure(status: .usage, message: message) }
}
