import Foundation
import Granted
import GrantedSQLite
import GrantedTesting
import Testing

/// Every subcommand of `granted`, run as a child process against a real store, with its exit
/// status, its output, and what the engine on the same store sees afterwards.
@Suite("granted, the operator's command line", .serialized)
struct GrantedCLITests {
    /// 32 random bytes as base64, a server key file's contents.
    static func serverKey() -> (key: ServerKey, text: String) {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        // swiftlint:disable:next force_try
        return (try! ServerKey(bytes: bytes), Data(bytes).base64EncodedString())
    }

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("granted-cli-" + UUID().uuidString)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    // MARK: usage and availability

    @Test("--help states the exit codes; usage errors exit 1")
    func usage() throws {
        let help = try GrantedRun.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Exit codes"))
        #expect(help.output.contains("4  store unavailable"))
        #expect(try GrantedRun.run(["frobnicate"]).status == 1)
        #expect(try GrantedRun.run(["clients", "list"]).status == 1)  // no store anywhere
        #expect(try GrantedRun.run(["clients", "list", "--store", "mysql://db/granted"]).status == 1)
        #expect(try GrantedRun.run(["purge", "--store", "sqlite:/tmp/x.db", "--older-than", "-5"]).status == 1)
        #expect(try GrantedRun.run(["api-keys", "revoke", "--user", "u", "not-a-uuid", "--store", "sqlite:/tmp/x.db"]).status == 1)
    }

    @Test("A missing SQLite file is unavailable (exit 4) and stays missing; only migrate creates it")
    func missingFile() async throws {
        try await Fixture.with(.sqlite) { fixture in
            let run = try fixture.granted(["clients", "list"])
            #expect(run.status == 4)
            #expect(run.error.contains("granted migrate"))
            #expect(!FileManager.default.fileExists(atPath: fixture.location))
            #expect(try fixture.granted(["migrate"]).status == 0)
            #expect(FileManager.default.fileExists(atPath: fixture.location))
        }
    }

    @Test("GRANTED_STORE names the store when --store is absent")
    func storeFromEnvironment() async throws {
        try await Fixture.with(.sqlite) { fixture in
            let run = try GrantedRun.run(["migrate", "--json"], environment: ["GRANTED_STORE": "sqlite:" + fixture.location])
            #expect(run.status == 0)
            #expect(FileManager.default.fileExists(atPath: fixture.location))
        }
    }

    @Test("A PostgreSQL server that does not answer is unavailable (exit 4)")
    func postgresUnavailable() throws {
        let run = try GrantedRun.run(["migrate", "--store", "postgres://granted@127.0.0.1:1/granted"])
        #expect(run.status == 4)
    }

    // MARK: migrate

    @Test("migrate creates the schema, and running it again changes nothing", arguments: Backend.available)
    func migrate(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            let first = try fixture.granted(["migrate", "--json"])
            #expect(first.status == 0, "\(first.error)")
            let applied = try #require(try first.object()["migrations"] as? [String])
            #expect(!applied.isEmpty)
            let again = try fixture.granted(["migrate", "--json"])
            #expect(again.status == 0)
            #expect(try again.object()["migrations"] as? [String] == applied)
            let table = try fixture.granted(["migrate"])
            #expect(table.output.contains("MIGRATION"))
            #expect(table.output.contains(applied[0]))
        }
    }

    // MARK: clients

    @Test("clients add|list|show|rotate-secret|remove, checked through the engine", arguments: Backend.available)
    func clients(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            let (key, keyText) = Self.serverKey()
            let keyFile = try Self.write(keyText)
            defer { try? FileManager.default.removeItem(atPath: keyFile) }
            let metadata = try Self.write(
                #"{"client_name": "Billing", "grant_types": ["client_credentials"], "scope": "read write"}"#)
            defer { try? FileManager.default.removeItem(atPath: metadata) }

            // A secret needs the server key: usage error, nothing registered.
            let keyless = try fixture.granted(["clients", "add", metadata, "--known-scopes", "read write", "--json"])
            #expect(keyless.status == 1)
            #expect(try fixture.granted(["clients", "list", "--json"]).array().isEmpty)

            // RFC 7591 §2: metadata the core refuses is refused here (exit 3), nothing registered.
            let invalid = try fixture.granted(
                ["clients", "add", "-", "--json"],
                input: #"{"token_endpoint_auth_method": "none", "grant_types": ["client_credentials"]}"#)
            #expect(invalid.status == 3)
            #expect(invalid.error.contains("invalid client metadata"))
            #expect(try fixture.granted(["clients", "add", "-"], input: "not json").status == 3)
            #expect(try fixture.granted(["clients", "list", "--json"]).array().isEmpty)

            // A scope the server does not know is invalid metadata (RFC 7591 §2, RFC 6749 §3.3).
            let unknownScope = try fixture.granted(["clients", "add", metadata, "--server-key-file", keyFile])
            #expect(unknownScope.status == 3)
            #expect(try fixture.granted(["clients", "list", "--json"]).array().isEmpty)

            let added = try fixture.granted(
                ["clients", "add", metadata, "--server-key-file", keyFile, "--known-scopes", "read write", "--json"])
            #expect(added.status == 0, "\(added.error)")
            let document = try added.object()
            let id = try #require(document["client_id"] as? String)
            let secret = try #require(document["client_secret"] as? String)
            #expect(secret.hasPrefix("gcs_"))
            #expect(document["client_name"] as? String == "Billing")
            #expect(document["registration_access_token"] is String)
            #expect(!added.error.contains(secret))

            // The secret is derived from the server key: the engine with that key accepts it.
            let granted = try await fixture.withServer(key: key) { server in
                await server.token(
                    RequestBuilder.clientCredentials(
                        scope: "read", as: .basic(BasicCredentials(clientID: ClientID(id), secret: secret))))
            }
            #expect(granted.status == 200, "\(granted.bodyText)")

            // Taken ids are refused, and the key comes from GRANTED_SERVER_KEY as well.
            let taken = try fixture.granted(
                ["clients", "add", metadata, "--client-id", id],
                environment: ["GRANTED_SERVER_KEY": keyText, "GRANTED_KNOWN_SCOPES": "read write"])
            #expect(taken.status == 3)
            let publicClient = try fixture.granted(
                ["clients", "add", "-", "--client-id", "spa", "--json"],
                input: #"{"token_endpoint_auth_method": "none", "redirect_uris": ["https://spa.example/cb"]}"#)
            #expect(publicClient.status == 0, "\(publicClient.error)")
            #expect(try publicClient.object()["client_secret"] == nil)

            let list = try fixture.granted(["clients", "list", "--json"]).array()
            #expect(Set(list.compactMap { $0["client_id"] as? String }) == [id, "spa"])
            let table = try fixture.granted(["clients", "list"])
            #expect(table.output.contains("Billing"))
            #expect(table.output.contains("spa"))
            #expect(!table.output.contains(secret))

            let shown = try fixture.granted(["clients", "show", id, "--json"])
            #expect(shown.status == 0)
            let shownDocument = try shown.object()
            #expect(shownDocument["client_name"] as? String == "Billing")
            #expect(shownDocument["grant_types"] as? [String] == ["client_credentials"])
            #expect(shownDocument["client_secret"] == nil)
            #expect(!shown.output.contains(secret))
            #expect(try fixture.granted(["clients", "show", id]).output.contains("Billing"))
            #expect(try fixture.granted(["clients", "show", "nobody"]).status == 2)

            // rotate-secret: a new secret; the old one stops working at once.
            #expect(try fixture.granted(["clients", "rotate-secret", "spa"], environment: ["GRANTED_SERVER_KEY": keyText]).status == 3)
            #expect(try fixture.granted(["clients", "rotate-secret", "nobody", "--server-key-file", keyFile]).status == 2)
            let rotated = try fixture.granted(["clients", "rotate-secret", id, "--server-key-file", keyFile, "--json"])
            #expect(rotated.status == 0, "\(rotated.error)")
            let newSecret = try #require(try rotated.object()["client_secret"] as? String)
            #expect(newSecret != secret)
            let (old, new) = try await fixture.withServer(key: key) { server in
                let old = await server.token(
                    RequestBuilder.clientCredentials(scope: "read", as: .basic(BasicCredentials(clientID: ClientID(id), secret: secret))))
                let new = await server.token(
                    RequestBuilder.clientCredentials(scope: "read", as: .basic(BasicCredentials(clientID: ClientID(id), secret: newSecret))))
                return (old.status, new.status)
            }
            #expect(old == 401)
            #expect(new == 200)

            // remove: gone for the engine too; a second remove finds nothing.
            #expect(try fixture.granted(["clients", "remove", id]).status == 0)
            #expect(try fixture.granted(["clients", "show", id]).status == 2)
            #expect(try fixture.granted(["clients", "remove", id]).status == 2)
            let afterRemoval = try await fixture.withServer(key: key) { server in
                await server.token(
                    RequestBuilder.clientCredentials(scope: "read", as: .basic(BasicCredentials(clientID: ClientID(id), secret: newSecret))))
            }
            #expect(afterRemoval.status == 401)
        }
    }

    @Test("A client the host configured is listed and shown, but rotate-secret and remove refuse it (exit 3)")
    func configuredClient() async throws {
        try await Fixture.with(.sqlite) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            try await SQLiteDatabase(path: fixture.location).clientStore.register(
                Client(id: "configured", name: "From the host's file", grantTypes: [.clientCredentials]))
            let shown = try fixture.granted(["clients", "show", "configured", "--json"]).object()
            #expect(shown["client_name"] as? String == "From the host's file")
            #expect(shown["token_endpoint_auth_method"] as? String == "none")
            #expect(try fixture.granted(["clients", "list", "--json"]).array().map { $0["client_id"] as? String } == ["configured"])
            let (_, keyText) = Self.serverKey()
            let rotate = try fixture.granted(
                ["clients", "rotate-secret", "configured"], environment: ["GRANTED_SERVER_KEY": keyText])
            #expect(rotate.status == 3)
            #expect(try fixture.granted(["clients", "remove", "configured"]).status == 3)
            #expect(try fixture.granted(["clients", "show", "configured"]).status == 0)
        }
    }

    @Test("A server key shorter than 32 bytes, or not base64, is refused (exit 3) and registers nothing")
    func shortServerKey() async throws {
        try await Fixture.with(.sqlite) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            for key in [Data(repeating: 7, count: 31).base64EncodedString(), "not base64!"] {
                let run = try fixture.granted(
                    ["clients", "add", "-"], environment: ["GRANTED_SERVER_KEY": key], input: #"{"client_name": "x"}"#)
                #expect(run.status == 3)
            }
            #expect(try fixture.granted(["clients", "list", "--json"]).array().isEmpty)
        }
    }

    // MARK: tokens, api-keys

    @Test("tokens inspect|revoke by value, on an access token and an API key", arguments: Backend.available)
    func tokens(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            let (key, keyText) = Self.serverKey()
            let added = try fixture.granted(
                ["clients", "add", "-", "--client-id", "worker", "--json"],
                environment: ["GRANTED_SERVER_KEY": keyText, "GRANTED_KNOWN_SCOPES": "read"],
                input: #"{"grant_types": ["client_credentials"], "scope": "read"}"#)
            let secret = try #require(try added.object()["client_secret"] as? String)
            let response = try await fixture.withServer(key: key) { server in
                await server.token(
                    RequestBuilder.clientCredentials(scope: "read", as: .basic(BasicCredentials(clientID: "worker", secret: secret))))
            }
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let token = try #require(body["access_token"] as? String)

            let inspected = try fixture.granted(["tokens", "inspect", token, "--json"])
            #expect(inspected.status == 0, "\(inspected.error)")
            let status = try inspected.object()
            #expect(status["active"] as? Bool == true)
            #expect(status["kind"] as? String == "access_token")
            #expect(status["client_id"] as? String == "worker")
            #expect(status["scope"] as? String == "read")
            #expect(!inspected.output.contains(token))
            #expect(try fixture.granted(["tokens", "inspect", "-"], input: token + "\n").output.contains("worker"))

            let revoked = try fixture.granted(["tokens", "revoke", "-", "--json"], input: token)
            #expect(revoked.status == 0)
            #expect(try revoked.object()["revoked"] as? Bool == true)
            #expect(try fixture.granted(["tokens", "inspect", token, "--json"]).object()["active"] as? Bool == false)
            #expect(try fixture.granted(["tokens", "revoke", token]).output.contains("already revoked"))
            let introspected = try await fixture.withServer(key: key) { server in try await server.inspectToken(token) }
            #expect(introspected?.isActive == false)

            #expect(try fixture.granted(["tokens", "inspect", "gat_unknown"]).status == 2)
            #expect(try fixture.granted(["tokens", "revoke", "gat_unknown"]).status == 2)
        }
    }

    @Test("api-keys issue|list|revoke, and the key as a token", arguments: Backend.available)
    func apiKeys(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            let issued = try fixture.granted(["api-keys", "issue", "--user", "alice", "--name", "deploy script", "--json"])
            #expect(issued.status == 0, "\(issued.error)")
            let record = try issued.object()
            let value = try #require(record["key"] as? String)
            let id = try #require(record["id"] as? String)
            #expect(value.hasPrefix("gak_"))

            let listed = try fixture.granted(["api-keys", "list", "--user", "alice", "--json"])
            #expect(try listed.array().map { $0["id"] as? String } == [id])
            #expect(!listed.output.contains(value))
            #expect(try fixture.granted(["api-keys", "list", "--user", "bob", "--json"]).array().isEmpty)
            #expect(try fixture.granted(["api-keys", "list", "--user", "alice"]).output.contains("deploy script"))

            let status = try fixture.granted(["tokens", "inspect", value, "--json"]).object()
            #expect(status["kind"] as? String == "api_key")
            #expect(status["sub"] as? String == "alice")
            #expect(status["api_key_id"] as? String == id)
            #expect(status["active"] as? Bool == true)

            // Only its owner's key: bob cannot revoke alice's.
            #expect(try fixture.granted(["api-keys", "revoke", "--user", "bob", id]).status == 2)
            #expect(try fixture.granted(["api-keys", "revoke", "--user", "alice", id]).status == 0)
            #expect(try fixture.granted(["api-keys", "revoke", "--user", "alice", id]).status == 2)
            #expect(try fixture.granted(["api-keys", "list", "--user", "alice", "--json"]).array().isEmpty)
            #expect(try fixture.granted(["tokens", "inspect", value, "--json"]).object()["active"] as? Bool == false)
        }
    }

    // MARK: authorizations, purge

    @Test("authorizations list|revoke for a user: the tokens hanging from one stop working", arguments: Backend.available)
    func authorizations(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            let input = #"{"token_endpoint_auth_method": "none", "redirect_uris": ["https://app.example/cb"]}"#
            #expect(try fixture.granted(["clients", "add", "-", "--client-id", "app"], input: input).status == 0)
            #expect(try fixture.granted(["clients", "add", "-", "--client-id", "other"], input: input).status == 0)
            // What an approval leaves in the store: an authorization and a token hanging from it.
            let token = "gat_" + UUID().uuidString
            let ids = try await fixture.withServer { server in
                var ids: [AuthorizationID] = []
                for client in ["app", "other"] as [ClientID] {
                    let authorization = UserAuthorization(
                        id: AuthorizationID(uuid: UUID()), subject: "alice", client: client, scopes: ["read"], at: Date())
                    try await server.store.updateAuthorization(subject: "alice", client: client) { $0 = authorization }
                    ids.append(authorization.id)
                }
                try await server.store.insert(
                    AccessToken(
                        client: "app", subject: "alice", scopes: ["read"], issuedAt: Date(),
                        expiresAt: Date() + 3600, authorization: ids[0]),
                    at: Digest256(hashing: token))
                return ids
            }

            let listed = try fixture.granted(["authorizations", "list", "--user", "alice", "--json"])
            #expect(listed.status == 0, "\(listed.error)")
            #expect(Set(try listed.array().compactMap { $0["id"] as? String }) == Set(ids.map(\.description)))
            #expect(try fixture.granted(["authorizations", "list", "--user", "alice"]).output.contains("other"))
            #expect(try fixture.granted(["authorizations", "list", "--user", "bob", "--json"]).array().isEmpty)
            #expect(try fixture.granted(["tokens", "inspect", token, "--json"]).object()["active"] as? Bool == true)

            #expect(try fixture.granted(["authorizations", "revoke", "--user", "bob", ids[0].description]).status == 2)
            #expect(try fixture.granted(["authorizations", "revoke", "--user", "alice"]).status == 1)
            #expect(try fixture.granted(["authorizations", "revoke", "--user", "alice", ids[0].description]).status == 0)
            #expect(try fixture.granted(["tokens", "inspect", token, "--json"]).object()["active"] as? Bool == false)
            #expect(try fixture.granted(["authorizations", "revoke", "--user", "alice", ids[0].description]).status == 2)
            #expect(try fixture.granted(["authorizations", "revoke", "--user", "alice", "--client", "other"]).status == 0)
            #expect(try fixture.granted(["authorizations", "list", "--user", "alice", "--json"]).array().isEmpty)
        }
    }

    @Test("purge deletes what is dead for longer than --older-than, and nothing live", arguments: Backend.available)
    func purge(_ backend: Backend) async throws {
        try await Fixture.with(backend) { fixture in
            #expect(try fixture.granted(["migrate"]).status == 0)
            func issue(_ name: String) throws -> (id: String, key: String) {
                let record = try fixture.granted(["api-keys", "issue", "--user", "alice", "--name", name, "--json"]).object()
                return (record["id"] as? String ?? "", record["key"] as? String ?? "")
            }
            let dead = try issue("old")
            let live = try issue("current")
            #expect(try fixture.granted(["api-keys", "revoke", "--user", "alice", dead.id]).status == 0)

            // Dead for less than a day: kept.
            #expect(try fixture.granted(["purge", "--json"]).object()["deleted"] as? Int == 0)
            #expect(try fixture.granted(["tokens", "inspect", dead.key]).status == 0)
            try await Task.sleep(for: .milliseconds(20))
            let purged = try fixture.granted(["purge", "--older-than", "0", "--json"])
            #expect(purged.status == 0, "\(purged.error)")
            #expect(try purged.object()["deleted"] as? Int == 1)
            #expect(try fixture.granted(["tokens", "inspect", dead.key]).status == 2)
            #expect(try fixture.granted(["tokens", "inspect", live.key, "--json"]).object()["active"] as? Bool == true)
            #expect(try fixture.granted(["purge", "--older-than", "0"]).output == "deleted 0 records\n")
        }
    }
}
