import Foundation
import Granted
import PostgresNIO

/// Refresh tokens and their families (RFC 6749 §6; RFC 9700 §4.14.2).
extension PostgresGrantStore {
    public func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws {
        _ = try await rows(sql.insertRefreshToken, Self.binds { $0.append(digest: digest); $0.append(family.uuid) })
    }

    public func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? {
        let found = try await rows(sql.refreshTokenFamily, Self.binds { $0.append(digest: digest) })
        return try found.first.map { FamilyID(uuid: try $0.decode(UUID.self)) }
    }

    /// Locks the family's row, or, when there is none, lets the transition create it with
    /// `INSERT … ON CONFLICT DO NOTHING`; when a concurrent transaction created it first, the
    /// transition runs again on that row. Setting the family to nil deletes it.
    public func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        let key: @Sendable (inout PostgresBindings) -> Void = { $0.append(id.uuid) }
        return try await transaction { connection in
            for _ in 0..<Self.upsertAttempts {
                if let row = try await connection.rows(sql.familyForUpdate, Self.binds(key)).first {
                    let stored = try RefreshFamilyRow.decode(RowReader(row: row.makeRandomAccess(), table: sql.families))
                    var family: RefreshFamily? = stored
                    let outcome = transition(&family)
                    if let family {
                        if family != stored {
                            try await connection.run(sql.updateFamily, Self.binds(key: key, family, RefreshFamilyRow.bind))
                        }
                    } else {
                        try await connection.run(sql.deleteFamily, Self.binds(key))
                    }
                    return outcome
                }
                var family: RefreshFamily?
                let outcome = transition(&family)
                guard let family else { return outcome }
                if try await connection.run(sql.insertFamily, Self.binds(key: key, family, RefreshFamilyRow.bind)) == 1 {
                    return outcome
                }
            }
            throw PostgresStoreError.unsupportedTransition("family \(id) kept changing while it was created")
        }
    }

    public func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        guard let row = try await rows(sql.familyJoined, Self.binds { $0.append(id.uuid) }).first else { return nil }
        let columns = row.makeRandomAccess()
        let family = try RefreshFamilyRow.decode(RowReader(row: columns, table: sql.families))
        let authorization = RowReader(row: columns, table: sql.authorizations, prefix: "a_")
        return (family, authorization.isPresent(key: "id") ? try UserAuthorizationRow.decode(authorization) : nil)
    }
}
