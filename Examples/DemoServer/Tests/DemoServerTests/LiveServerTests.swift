import DemoServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The same code flow over a real socket on an ephemeral port.
@Suite("live server")
struct LiveServerTests {
    @Test("the demo-web code flow over HTTP, cookies and all")
    func codeFlowOverTheNetwork() async throws {
        let demo = try await Demo(DemoHarness.configuration())
        let app = demo.application(host: "127.0.0.1", port: 0, logger: DemoHarness.quietLogger)
        try await app.test(.live) { http in
            #expect(http.port != nil)
            let client = Client(http)
            let tokens = try await client.webTokens()
            let token = tokens.access
            let user = try await client.get("/user", headers: client.bearer(token))
            #expect(try user.string("username") == "alice")
            // The second authorization in this browser goes straight to consent.
            #expect(try HTMLForm(try await client.get(authorizeURI(webCodeRequest))).isConsent)
        }
    }
}
