import DemoServer
import Foundation
import Granted
import GrantedSQLite
import Hummingbird
import HummingbirdTesting
import Testing

/// `--storage sqlite:PATH`: the demo's grants in one file (Integrations/GrantedSQLite), so a
/// restart keeps a signed-in user's tokens working.
@Suite("demo on SQLite")
struct SQLiteStorageTests {
    /// A demo whose grants live in the file at `path` (nil: in memory), as `demo-server` builds it.
    static func application(path: String?) async throws -> some ApplicationProtocol {
        var configuration = try DemoHarness.configuration()
        if let path { configuration.store = try SQLiteDatabase(path: path).grantStore }
        return try await Demo(configuration).application(host: "127.0.0.1", port: 0, logger: DemoHarness.quietLogger)
    }

    @Test("after a restart on the same file, the access token works, the refresh token refreshes, a revocation holds")
    func restart() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("granted-demo-" + String(UInt64.random(in: .min ... .max), radix: 16))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("demo.sqlite").path

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
