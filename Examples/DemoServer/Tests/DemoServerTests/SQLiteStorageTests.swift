import DemoServer
import Foundation
import Granted
import GrantedSQLite
import Hummingbird
import HummingbirdTesting
import Testing

/// `--storage sqlite:PATH`: the demo's clients and grants in one file
/// (Integrations/GrantedSQLite), so a restart keeps a signed-in user's tokens and a registered
/// client working.
@Suite("demo on SQLite")
struct SQLiteStorageTests {
    /// The `--server-key-file` every start of these tests shares.
    static let serverKey = try! ServerKey(bytes: Array(repeating: 7, count: 32))

    /// A demo whose clients and grants live in the file at `path` (nil: in memory), as
    /// `demo-server` builds it.
    static func application(path: String?, serverKey: ServerKey = serverKey) async throws -> some ApplicationProtocol {
        var configuration = try DemoHarness.configuration()
        configuration.serverKey = serverKey
        if let path {
            let database = try SQLiteDatabase(path: path)
            configuration.store = database.grantStore
            configuration.clients = database.clientStore
        }
        return try await Demo(configuration).application(host: "127.0.0.1", port: 0, logger: DemoHarness.quietLogger)
    }

    static func temporaryFile() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("granted-demo-" + String(UInt64.random(in: .min ... .max), radix: 16))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("demo.sqlite").path)
    }

    @Test("a client registered through /register is still there after a restart: its secret works under the same server key, not under another")
    func registeredClientSurvivesRestart() async throws {
        let (directory, path) = try Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: directory) }

        let (id, secret) = try await Self.application(path: path).test(.router) { http in
            let client = Client(http)
            let body = #"{"grant_types":["client_credentials"],"scope":"public message.send","client_name":"Survivor"}"#
            let response = try await client.request(
                .post, "/register", headers: [.contentType: "application/json"], body: Array(body.utf8))
            #expect(response.status == .created, "\(response.text)")
            return (try response.string("client_id"), try response.string("client_secret"))
        }
        let form = [("grant_type", "client_credentials"), ("scope", "public")]
        try await Self.application(path: path).test(.router) { http in
            let client = Client(http)
            let response = try await client.token(form, basic: (id, secret))
            #expect(response.status == .ok, "\(response.text)")
            // The fixtures' clients are there too, written again at every start.
            let fixtureStatus = try await client.token(form, basic: ("demo-service", "demo-service-secret")).status
            #expect(fixtureStatus == .ok)
        }
        // Another server key derives another secret: the stored salt alone gives nothing.
        let otherKey = try ServerKey(bytes: Array(repeating: 9, count: 32))
        try await Self.application(path: path, serverKey: otherKey).test(.router) { http in
            let status = try await Client(http).token(form, basic: (id, secret)).status
            #expect(status == .unauthorized)
        }
    }

    @Test("after a restart on the same file, the access token works, the refresh token refreshes, a revocation holds")
    func restart() async throws {
        let (directory, path) = try Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: directory) }

        let tokens = try await Self.application(path: path).test(.router) { http in try await Client(http).webTokens() }
        let refresh = try #require(tokens.refresh)

        // A demo in memory does not know the token: what follows is the file's doing.
        try await Self.application(path: nil).test(.router) { http in
            let client = Client(http)
            let status = try await client.get("/user", headers: client.bearer(tokens.access)).status
            #expect(status == .unauthorized)
        }

        let access = try await Self.application(path: path).test(.router) { http in
            let client = Client(http)
            let user = try await client.get("/user", headers: client.bearer(tokens.access))
            #expect(user.status == .ok)
            #expect(try user.string("username") == "alice")
            let response = try await client.token(
                [("grant_type", "refresh_token"), ("refresh_token", refresh)], basic: ("demo-web", "demo-web-secret"))
            #expect(response.status == .ok, "\(response.text)")
            // Revoking the refresh token (RFC 7009 §2.1) ends its family and the family's tokens.
            let current = (try? response.string("refresh_token")) ?? refresh
            let credentials = Data("demo-web:demo-web-secret".utf8).base64EncodedString()
            let revocation = try await client.post(
                "/revoke", form: [("token", current)], headers: [.authorization: "Basic \(credentials)"])
            #expect(revocation.status == .ok)
            return try response.string("access_token")
        }

        // And the revocation survives the next restart.
        try await Self.application(path: path).test(.router) { http in
            let client = Client(http)
            let refreshedStatus = try await client.get("/user", headers: client.bearer(access)).status
            let firstStatus = try await client.get("/user", headers: client.bearer(tokens.access)).status
            #expect(refreshedStatus == .unauthorized)
            #expect(firstStatus == .unauthorized)
        }
    }
}
