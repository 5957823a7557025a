import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Device authorization lifecycle (RFC 8628 §3.3–§3.5, §5.1)")
struct DeviceAuthorizationTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let approval = DeviceAuthorization.Approval(
        subject: "alice", scopes: [.public], authTime: t0, authorization: AuthorizationID(uuid: UUID()), approvedAt: t0)

    static func fixture(lifetime: TimeInterval = 600, interval: TimeInterval = 5) -> DeviceAuthorization {
        DeviceAuthorization(
            client: "tv", scopes: [.public], resources: [], userCodeLookup: Digest256(hashing: "lookup"),
            userCodeCheck: Digest256(hashing: "check"), family: FamilyID(uuid: UUID()), issuedAt: t0,
            expiresAt: t0 + lifetime, interval: interval)
    }

    @Test("an approved authorization is granted before expiry only", arguments: [0, 1, 599, 600, 601, 3600])
    func grantedBeforeExpiry(seconds: Int) {
        var device = Self.fixture()
        let approved = device.approve(Self.approval, at: Self.t0)
        #expect(approved)
        let poll = device.poll(at: Self.t0 + TimeInterval(seconds))
        #expect(poll == (seconds < 600 ? .granted(Self.approval) : .expired))
    }

    @Test("a redeemed authorization is a replay, even after expiry")
    func replay() {
        var device = Self.fixture()
        _ = device.approve(Self.approval, at: Self.t0)
        #expect(device.poll(at: Self.t0 + 1) == .granted(Self.approval))
        #expect(device.poll(at: Self.t0 + 2) == .replayed(Self.approval))
        #expect(device.poll(at: Self.t0 + 3600) == .replayed(Self.approval))
        #expect(device.deadSince == Self.t0 + 1)
    }

    @Test(
        "slow_down when the gap since the last poll is under the interval; the interval grows by 5 each time",
        arguments: [
            ([0.0, 5, 10], [DeviceAuthorization.Poll.pending, .pending, .pending], 5.0),
            ([0, 4.9], [.pending, .slowDown], 10),
            ([0, 1, 2, 3], [.pending, .slowDown, .slowDown, .slowDown], 20),
            ([0, 4, 14], [.pending, .slowDown, .pending], 10),
            ([0, 4, 13], [.pending, .slowDown, .slowDown], 15),
        ])
    func pacing(offsets: [TimeInterval], expected: [DeviceAuthorization.Poll], interval: TimeInterval) {
        var device = Self.fixture()
        #expect(offsets.map { device.poll(at: Self.t0 + $0) } == expected)
        #expect(device.interval == interval)
    }

    @Test("a denied authorization answers denied until it expires; it cannot be approved")
    func denied() {
        var device = Self.fixture()
        let denied = device.deny(at: Self.t0 + 1)
        let approved = device.approve(Self.approval, at: Self.t0 + 2)
        #expect(denied && !approved)
        #expect(device.poll(at: Self.t0 + 3) == .denied)
        #expect(device.poll(at: Self.t0 + 600) == .expired)
        #expect(device.deadSince == Self.t0 + 600)
    }

    @Test("wrong entries burn it at the limit; a right one changes nothing (§5.1)", arguments: [1, 3, 5])
    func burn(limit: Int) {
        var device = Self.fixture()
        let wrong = Digest256(hashing: "wrong")
        #expect(device.enter(check: device.userCodeCheck, at: Self.t0, maxFailures: limit) == .matched)
        for attempt in 1..<limit {
            #expect(device.enter(check: wrong, at: Self.t0, maxFailures: limit) == .mismatched(remaining: limit - attempt))
        }
        #expect(device.enter(check: wrong, at: Self.t0, maxFailures: limit) == .burned)
        #expect(device.enter(check: device.userCodeCheck, at: Self.t0, maxFailures: limit) == .unavailable)
        let approved = device.approve(Self.approval, at: Self.t0)
        #expect(!approved)
        #expect(device.poll(at: Self.t0 + 1) == .expired)
    }

    @Test("codes round-trip through Codable, in every state")
    func codable() throws {
        var states = [Self.fixture()]
        var approved = Self.fixture()
        _ = approved.approve(Self.approval, at: Self.t0)
        states.append(approved)
        var redeemed = approved
        _ = redeemed.poll(at: Self.t0 + 1)
        states.append(redeemed)
        for device in states {
            let data = try JSONEncoder().encode(device)
            #expect(try JSONDecoder().decode(DeviceAuthorization.self, from: data) == device)
        }
    }
}

@Suite("Device authorization: a property over random poll timings and decisions (RFC 8628 §3.5)")
struct DevicePollingPropertyTests {
    enum Step { case poll, approve, deny, wrongEntry }

    @Test("tokens are issued at most once, only after approval, and every poll answers what the RFC says", arguments: 0..<200)
    func property(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        var policy = Policy()
        policy.deviceCodeLifetime = 60
        policy.maxFailedUserCodeEntries = 3
        let flow = DeviceFlow(policy: policy)
        let authorization = try await flow.authorize()
        let letters = Array(authorization.userCode.filter { $0 != "-" })
        let wrong = String(letters.prefix(7)) + (letters[7] == "B" ? "C" : "B")
        // The model: what the RFC says each poll answers.
        var approved = false, denied = false, redeemed = false, burned = false
        var interval: TimeInterval = 5
        var lastPoll: TimeInterval?
        var failures = 0
        var issued = 0
        var elapsed: TimeInterval = 0
        for _ in 0..<Int.random(in: 1...30, using: &random) {
            let gap = TimeInterval(Int.random(in: 0...12, using: &random))
            flow.clock.advance(by: gap)
            elapsed += gap
            let live = elapsed < 60
            let decidable = live && !approved && !denied && !burned
            switch [Step.poll, .poll, .poll, .poll, .approve, .deny, .wrongEntry].randomElement(using: &random) ?? .poll {
            case .poll:
                let response = await flow.poll(authorization.deviceCode)
                let expected: String?
                if redeemed { expected = "invalid_grant" }
                else if burned || !live { expected = "expired_token" }
                else if denied { expected = "access_denied" }
                else if approved { expected = nil; redeemed = true }
                else {
                    if let last = lastPoll, elapsed - last < interval {
                        interval += 5
                        expected = "slow_down"
                    } else {
                        expected = "authorization_pending"
                    }
                    lastPoll = elapsed
                }
                #expect(response.errorCode == expected, "seed \(seed) at \(elapsed) s")
                if response.status == 200 {
                    issued += 1
                    #expect(approved, "tokens without approval, seed \(seed)")
                }
            case .approve:
                #expect(try await flow.approve(authorization.userCode) == decidable)
                if decidable { approved = true }
            case .deny:
                #expect(try await flow.server.denyDevice(userCode: authorization.userCode) == decidable)
                if decidable { denied = true }
            case .wrongEntry:
                #expect(try await flow.server.lookUpUserCode(wrong) == nil)
                if decidable {
                    failures += 1
                    if failures >= 3 { burned = true }
                }
            }
        }
        #expect(issued <= 1)
        #expect(issued == (redeemed ? 1 : 0))
    }
}
