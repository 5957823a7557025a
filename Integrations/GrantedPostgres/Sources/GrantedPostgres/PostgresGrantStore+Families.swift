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

    /// The family's row, or nil for the transition to create it; setting it to nil deletes it
    /// (see `upsert`).
    public func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        try await upsert(
            sql.familyUpdate, insert: sql.insertFamily, table: sql.families, what: "family \(id)",
            key: { $0.append(id.uuid) }, decode: RefreshFamilyRow.decode, bind: RefreshFamilyRow.bind, transition)
    }

    public func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        guard let row = try await rows(sql.familyJoined, Self.binds { $0.append(id.uuid) }).first else { return nil }
        let columns = row.makeRandomAccess()
        let family = try RefreshFamilyRow.decode(RowReader(row: columns, table: sql.families))
        let authorization = RowReader(row: columns, table: sql.authorizations, prefix: "a_")
        return (family, authorization.isPresent(key: "id") ? try UserAuthorizationRow.decode(authorization) : nil)
    }
}
