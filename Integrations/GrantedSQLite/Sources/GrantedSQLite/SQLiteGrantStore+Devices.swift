import Foundation
import GRDB
import Granted

/// Device authorizations (RFC 8628), keyed by the device code's digest and found by the user
/// code's lookup digest too: both updates reach the one row.
extension SQLiteGrantStore {
    /// `INSERT … ON CONFLICT DO NOTHING`: false when the device code digest or the user code
    /// lookup digest is taken.
    @discardableResult
    public func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool {
        try await execute(
            Statements.insertDevice,
            Self.binds(key: Self.key { $0.append(digest: digest) }, device, DeviceAuthorizationRow.bind)) == 1
    }

    public func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.deviceByDigest, write: Statements.updateDevice, table: Statements.devices,
            key: Self.key { $0.append(digest: digest) }, decode: DeviceAuthorizationRow.decode,
            bind: DeviceAuthorizationRow.bind, transition)
    }

    /// Finds the row by the user code, then writes it back by its device code digest, in one
    /// immediate transaction.
    public func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        let key = Self.key { $0.append(digest: lookup) }
        return try await database.write { db in
            let found = try db.withRow(Statements.deviceByUserCode, arguments: key.arguments) { row in
                let reader = RowReader(row: row, table: Statements.devices)
                return (digest: try reader.digest("digest"), device: try DeviceAuthorizationRow.decode(reader))
            }
            guard let (digest, stored) = found else { return nil }
            var device = stored
            let outcome = transition(&device)
            if device != stored {
                let binds = Self.binds(key: Self.key { $0.append(digest: digest) }, device, DeviceAuthorizationRow.bind)
                try db.run(Statements.updateDevice, binds: binds)
            }
            return outcome
        }
    }
}
