import Foundation
import Granted

/// Device authorizations (RFC 8628): found by device code or by user code, one transition at a
/// time, so an approved one is redeemed once.
extension GrantStoreContract {
    /// A device authorization comes back with every field, through either key, in every state.
    public static func deviceRoundTrip(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let pending = Records.device(lookup: "pending")
        let approved = Records.device(lookup: "approved", state: .approved(Records.approval), polled: true)
        let redeemed = Records.device(
            lookup: "redeemed", resources: [], state: .redeemed(Records.approval, at: Records.t0 + 2), polled: true)
        let denied = Records.device(lookup: "denied", state: .denied(at: Records.t0 + 3))
        let burned = Records.device(lookup: "burned", state: .burned(at: Records.t0 + 4), failures: 5)
        for device in [pending, approved, redeemed, denied, burned] {
            let digest = Records.digest("gdc_\(device.userCodeLookup.hex)")
            try expect(try await store.insert(device, at: digest), "a fresh device authorization is stored")
            try expectEqual(try await store.updateDeviceAuthorization(at: digest) { $0 }, device, "by device code")
            try expectEqual(
                try await store.updateDeviceAuthorization(userCode: device.userCodeLookup) { $0 }, device, "by user code")
        }
        try expect(
            try await store.updateDeviceAuthorization(at: Records.digest("gdc_other")) { $0 } == nil,
            "an unknown device code answers nil")
        try expect(
            try await store.updateDeviceAuthorization(userCode: Records.digest("other")) { $0 } == nil,
            "an unknown user code answers nil")
    }

    /// A second authorization with a user code lookup digest already stored is refused, and the
    /// first stays as it was.
    public static func deviceUserCodeUnique(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let first = Records.device(lookup: "taken")
        try expect(try await store.insert(first, at: Records.digest("gdc_first")), "the first is stored")
        let second = Records.device(lookup: "taken", client: "other-tv")
        try expect(!(try await store.insert(second, at: Records.digest("gdc_second"))), "the second is refused")
        try expect(
            try await store.updateDeviceAuthorization(at: Records.digest("gdc_second")) { $0 } == nil,
            "nothing stored for the second")
        try expectEqual(
            try await store.updateDeviceAuthorization(userCode: first.userCodeLookup) { $0.client }, "tv",
            "the user code still finds the first")
    }

    /// A change made through one key is seen through the other, and kept with the rest.
    public static func deviceTransitions(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        var expected = Records.device(lookup: "moving")
        let digest = Records.digest("gdc_moving")
        try await store.insert(expected, at: digest)
        let t0 = Records.t0
        try expectEqual(
            try await store.updateDeviceAuthorization(at: digest) { $0.poll(at: t0 + 1) }, .pending, "first poll")
        try expectEqual(
            try await store.updateDeviceAuthorization(at: digest) { $0.poll(at: t0 + 2) }, .slowDown, "too soon")
        _ = expected.poll(at: t0 + 1)
        _ = expected.poll(at: t0 + 2)
        try expectEqual(
            try await store.updateDeviceAuthorization(userCode: expected.userCodeLookup) { $0 }, expected,
            "the user code sees the polls")
        let wrong = Records.digest("wrong")
        try expectEqual(
            try await store.updateDeviceAuthorization(userCode: expected.userCodeLookup) {
                $0.enter(check: wrong, at: t0 + 3, maxFailures: 5)
            }, .mismatched(remaining: 4), "a wrong entry")
        try expectEqual(
            try await store.updateDeviceAuthorization(userCode: expected.userCodeLookup) {
                $0.approve(Records.approval, at: t0 + 4)
            }, true, "approved")
        _ = expected.enter(check: wrong, at: t0 + 3, maxFailures: 5)
        _ = expected.approve(Records.approval, at: t0 + 4)
        try expectEqual(try await store.updateDeviceAuthorization(at: digest) { $0 }, expected, "the device code sees it")
    }

    /// An approved authorization polled by 100 tasks at once is granted exactly once.
    public static func deviceRedeemedOnce(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let digest = Records.digest("gdc_raced")
        try await store.insert(Records.device(lookup: "raced", state: .approved(Records.approval)), at: digest)
        let now = Records.t0 + 5
        let outcomes = try await Records.race(100) {
            try await store.updateDeviceAuthorization(at: digest) { $0.poll(at: now) }
        }
        try expectEqual(outcomes.filter { $0 == .granted(Records.approval) }.count, 1, "granted polls")
        try expectEqual(outcomes.filter { $0 == .replayed(Records.approval) }.count, 99, "replayed polls")
    }

    /// Expired and redeemed authorizations go (their user code is free again); live ones stay.
    public static func purgeDeviceAuthorizations(_ makeStore: MakeStore) async throws {
        let store = try await makeStore()
        let t0 = Records.t0
        try await store.insert(Records.device(lookup: "live", lifetime: 600), at: Records.digest("gdc_live"))
        try await store.insert(Records.device(lookup: "expired", lifetime: 60), at: Records.digest("gdc_expired"))
        try await store.insert(
            Records.device(lookup: "redeemed", lifetime: 600, state: .redeemed(Records.approval, at: t0 + 10)),
            at: Records.digest("gdc_redeemed"))
        try expectEqual(try await store.purge(before: t0 + 60), 1, "the redeemed one only: expiry is not before")
        try expectEqual(try await store.purge(before: t0 + 61), 1, "the expired one")
        try expect(
            try await store.updateDeviceAuthorization(at: Records.digest("gdc_live")) { $0 } != nil, "the live one stays")
        try expect(
            try await store.updateDeviceAuthorization(userCode: Records.digest("expired")) { $0 } == nil,
            "the expired one is gone by user code too")
        try expect(
            try await store.insert(Records.device(lookup: "expired"), at: Records.digest("gdc_again")),
            "its user code can be used again")
        try expectEqual(try await store.purge(before: t0 + 61), 0, "a second purge")
    }
}
