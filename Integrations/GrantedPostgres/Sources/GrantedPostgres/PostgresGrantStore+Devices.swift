import Foundation
import Granted
import PostgresNIO

/// Device authorizations (RFC 8628), keyed by the device code's digest and found by the user
/// code's lookup digest too: both updates change the one row.
extension PostgresGrantStore {
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING digest`: false when the device code digest or
    /// the user code lookup digest is taken.
    @discardableResult
    public func insert(_ device: DeviceAuthorization, at digest: Digest256) async throws -> Bool {
        let stored = try await rows(
            sql.insertDevice, Self.binds(key: { $0.append(digest: digest) }, device, DeviceAuthorizationRow.bind))
        return !stored.isEmpty
    }

    public func updateDeviceAuthorization<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.deviceUpdate, table: sql.devices, key: { $0.append(digest: digest) },
            decode: DeviceAuthorizationRow.decode, bind: DeviceAuthorizationRow.bind, transition)
    }

    /// Locks the row the user code finds, then writes it back by its device code digest (the user
    /// at the verification page, not a hot path; its write changes the row's version, so it
    /// serializes with the optimistic updates by device code).
    public func updateDeviceAuthorization<Outcome: Sendable>(
        userCode lookup: Digest256, _ transition: @Sendable (inout DeviceAuthorization) -> Outcome
    ) async throws -> Outcome? {
        let (sql, table) = (sql, sql.devices)
        return try await transaction { connection in
            guard let row = try await connection.rows(sql.deviceByUserCodeForUpdate, Self.binds { $0.append(digest: lookup) })
                .first
            else { return nil }
            let reader = RowReader(row: row.makeRandomAccess(), table: table)
            let digest = try reader.digest("digest")
            let stored = try DeviceAuthorizationRow.decode(reader)
            var device = stored
            let outcome = transition(&device)
            if device != stored {
                try await connection.run(
                    sql.deviceUpdate.write,
                    Self.binds(key: { $0.append(digest: digest) }, device, DeviceAuthorizationRow.bind))
            }
            return outcome
        }
    }
}
