import Foundation
@_spi(Benchmarks) import Granted

/// A server for the device authorization grant (RFC 8628): a public TV client allowed the grant
/// and refresh. The polling interval is 0, so every poll of a pending authorization is the plain
/// `authorization_pending` answer (never `slow_down`), as a device polling on time gets.
struct DeviceFixture {
    static let clientID: ClientID = "bench-tv"

    let server: AuthorizationServer
    let store: InMemoryGrantStore

    init(prefill: Int, willIssue: Int) {
        let clients = InMemoryClientStore([Client(id: Self.clientID, grantTypes: [.deviceCode, .refreshToken])])
        store = InMemoryGrantStore(expectedTokens: prefill + willIssue)
        var policy = Policy()
        policy.devicePollingInterval = 0
        server = AuthorizationServer(issuer: Fixture.issuer, policy: policy, clients: clients, store: store)
        let token = AccessToken(
            client: Fixture.clientID, subject: nil, scopes: server.policy.defaultScopes, issuedAt: Date(),
            expiresAt: Date() + 3600)
        for i in 0..<prefill { store.insertSync(token, at: Fixture.prefillDigest(i)) }
    }

    static let start = RawRequest.http(
        "POST", "/device_authorization", headers: [("Content-Type", "application/x-www-form-urlencoded")],
        body: "client_id=bench-tv&scope=public")

    /// A new device authorization: its device code and user code.
    func authorize() async -> (deviceCode: String, userCode: String) {
        let response = await server.deviceAuthorization(Self.start.makeRequest())
        guard response.status == 200, let device = FlowFixture.string(#""device_code":""#, in: response.body),
            let user = FlowFixture.string(#""user_code":""#, in: response.body)
        else { fail("device authorization answered \(response.status): \(response.bodyText)") }
        return (device, user)
    }

    static func poll(_ deviceCode: String) -> RawRequest {
        RawRequest.http(
            "POST", "/token", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=\(deviceCode)&client_id=bench-tv")
    }
}

extension Scenario {
    /// The call devices make most: a poll of a pending authorization, and the final redemption
    /// of an approved one (tokens, a refresh token, the authorization's family started).
    static let device = Scenario(
        name: "device", measures: ["device.poll", "device.redeem"],
        summary: "device code grant (RFC 8628): a pending poll (authorization_pending), and the redemption after approval"
    ) { bench in
        let options = bench.options
        if options.selects("device.poll") || options.selects("device") {
            let ops = options.ops(300_000)
            let fixture = DeviceFixture(prefill: options.prefill, willIssue: 0)
            var polls: [OAuthRequest] = []
            for _ in 0..<1_000 { polls.append(DeviceFixture.poll(await fixture.authorize().deviceCode).makeRequest()) }
            var pending = 0
            await bench.measure(name: "device.poll", ops: ops) { i in
                let response = await fixture.server.token(polls[i % polls.count])
                guard response.status == 400, response.body.count > 30 else { fail("poll answered \(response.bodyText)") }
                pending &+= 1
            }
            blackHole(pending)
        }
        if options.selects("device.redeem") || options.selects("device") {
            let ops = options.ops(50_000)
            let total = bench.totalOps(ops)
            let fixture = DeviceFixture(prefill: options.prefill, willIssue: total)
            var polls: [RawRequest] = []
            polls.reserveCapacity(total)
            let now = Date()
            for i in 0..<total {
                let (deviceCode, userCode) = await fixture.authorize()
                guard (try? await fixture.server.approveDevice(userCode: userCode, subject: Subject("user-\(i & 1023)"), authTime: now)) == true
                else { fail("approval failed") }
                polls.append(DeviceFixture.poll(deviceCode))
            }
            var bytes = 0
            await bench.measure(name: "device.redeem", ops: ops) { i in
                let response = await fixture.server.token(polls[i].makeRequest())
                guard response.status == 200 else { fail("redemption answered \(response.status): \(response.bodyText)") }
                bytes &+= response.body.count
            }
            blackHole(bytes)
        }
    }
}
