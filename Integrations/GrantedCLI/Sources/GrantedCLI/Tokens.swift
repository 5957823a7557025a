import ArgumentParser
import Foundation
import Granted

/// `granted tokens`: the operator API of `AuthorizationServer` (`inspectToken`, `revokeToken`),
/// by the token's value, whatever client or user it was issued to.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect or revoke an access token, refresh token or API key by its value.",
        subcommands: [Inspect.self, Revoke.self])

    /// The token's value: an argument, or standard input with `-` (kept out of the shell's history).
    struct TokenArgument: ParsableArguments {
        @Argument(help: "The token's value, or - to read it from standard input.")
        var token: String

        func value() throws -> String {
            guard token == "-" else { return token }
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let value = input.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw Failure.usage("no token on standard input") }
            return value
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the server knows of a token (never the token itself); exit 2 when it has none.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var token: TokenArgument

        func run() async throws {
            let value = try token.value()
            let found = try await store.open { store in try await store.server().inspectToken(value) }
            guard let status = found else { throw Failure.notFound("no such token") }
            if output.json {
                Output.json(Self.json(status))
            } else {
                Output.fields(Self.fields(status))
            }
        }

        static func kind(_ kind: TokenStatus.Kind) -> (name: String, apiKey: String?) {
            switch kind {
            case .accessToken: ("access_token", nil)
            case .refreshToken: ("refresh_token", nil)
            case .apiKey(let id): ("api_key", id.description)
            }
        }

        /// RFC 7662 §2.2 member names where one fits (`active`, `client_id`, `sub`, `scope`, `iat`, `exp`).
        static func json(_ status: TokenStatus) -> [String: Any] {
            let kind = kind(status.kind)
            var object: [String: Any] = [
                "active": status.isActive, "kind": kind.name,
                "iat": Output.timestamp(status.issuedAt), "exp": Output.timestamp(status.expiresAt),
            ]
            object["client_id"] = status.client?.rawValue ?? NSNull()
            object["sub"] = status.subject?.rawValue ?? NSNull()
            object["scope"] = status.scopes.map { $0.description } ?? NSNull()
            object["family"] = status.family?.description ?? NSNull()
            object["authorization"] = status.authorization?.description ?? NSNull()
            object["api_key_id"] = kind.apiKey ?? NSNull()
            return object
        }

        static func fields(_ status: TokenStatus) -> [(String, String)] {
            let kind = kind(status.kind)
            var fields = [
                ("kind", kind.name), ("active", status.isActive ? "yes" : "no"),
                ("client", status.client?.rawValue ?? "-"), ("subject", status.subject?.rawValue ?? "-"),
                ("scope", status.scopes.map { $0.description } ?? "-"),
                ("issued", Output.date(status.issuedAt)), ("expires", Output.date(status.expiresAt)),
                ("family", status.family?.description ?? "-"),
                ("authorization", status.authorization?.description ?? "-"),
            ]
            if let id = kind.apiKey { fields.append(("api key id", id)) }
            return fields
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: an access token alone, a refresh token with its family (RFC 7009 §2.1), an API key.",
            discussion: "Exit 2 when the server has no such token; 0 when it is revoked now or was already.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var token: TokenArgument

        func run() async throws {
            let value = try token.value()
            let changed = try await store.open { store -> Bool? in
                let server = store.server()
                guard try await server.inspectToken(value) != nil else { return nil }
                return try await server.revokeToken(value)
            }
            guard let changed else { throw Failure.notFound("no such token") }
            if output.json {
                Output.json(["revoked": changed])
            } else {
                print(changed ? "revoked" : "already revoked")
            }
        }
    }
}
