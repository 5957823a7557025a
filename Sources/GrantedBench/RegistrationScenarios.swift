import Foundation
@_spi(Benchmarks) import Granted

extension Scenario {
    /// POST /register (RFC 7591 §3), open registration, from raw request bytes to the 201 body:
    /// the metadata an MCP client sends (a public client, PKCE code flow to a loopback redirect),
    /// checked, a client ID and registration access token minted, the client inserted. Every
    /// operation registers a new client, so the registry grows by `ops` per run.
    static let registration = Scenario(
        name: "registration", measures: ["registration"],
        summary: "dynamic client registration (RFC 7591): an MCP client's metadata → 201 with its client_id"
    ) { bench in
        let ops = bench.options.ops(20_000)
        var policy = Policy()
        policy.registration = .open
        let server = AuthorizationServer(
            issuer: Fixture.issuer, policy: policy, clients: InMemoryClientStore(), store: InMemoryGrantStore())
        let body = #"{"client_name":"Bench Agent","redirect_uris":["http://127.0.0.1:33418/callback"],"#
            + #""grant_types":["authorization_code","refresh_token"],"response_types":["code"],"#
            + #""token_endpoint_auth_method":"none","scope":"public"}"#
        let raw = RawRequest.http(
            "POST", "/register",
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: body)
        var bytes = 0
        await bench.measure(name: "registration", ops: ops) { _ in
            let response = await server.register(raw.makeRequest())
            guard response.status == 201, response.body.count > 200 else {
                fail("registration answered \(response.status): \(response.bodyText)")
            }
            bytes &+= response.body.count
        }
        blackHole(bytes)
    }
}
