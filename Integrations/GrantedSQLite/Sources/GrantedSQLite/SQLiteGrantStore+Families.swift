import Foundation
import GRDB
import Granted

/// Refresh tokens and their families (RFC 6749 §6; RFC 9700 §4.14.2).
extension SQLiteGrantStore {
    public func insertRefreshToken(at digest: Digest256, family: FamilyID) async throws {
        _ = try await execute(Statements.insertRefreshToken, Self.key {
            $0.append(digest: digest)
            $0.append(uuid: family.uuid)
        })
    }

    public func familyID(forRefreshToken digest: Digest256) async throws -> FamilyID? {
        try await database.readRow(Statements.refreshTokenFamily, .digest(digest)) { row in
            FamilyID(uuid: try RowReader(row: row, table: Statements.refreshTokens).uuid("family_id"))
        }
    }

    /// Reads the family, or its absence, runs the transition and writes what it left (an
    /// insert, an update, or a delete for nil) in one immediate transaction: of concurrent
    /// creators exactly one sees it absent, since the others wait for its write lock.
    public func updateFamily<Outcome: Sendable>(
        _ id: FamilyID, _ transition: @Sendable (inout RefreshFamily?) -> Outcome
    ) async throws -> Outcome {
        try await upsert(
            select: Statements.familyByID, insert: Statements.insertFamily, update: Statements.updateFamily,
            delete: Statements.deleteFamily, table: Statements.families, key: Self.key { $0.append(uuid: id.uuid) },
            decode: RefreshFamilyRow.decode, bind: RefreshFamilyRow.bind, transition)
    }

    public func family(_ id: FamilyID) async throws -> (family: RefreshFamily, authorization: UserAuthorization?)? {
        let key = Self.key { $0.append(uuid: id.uuid) }
        let found: FamilyWithAuthorization? = try await database.readRow(Statements.familyJoined, .binds(key)) { row in
            let family = try RefreshFamilyRow.decode(RowReader(row: row, table: Statements.families))
            let authorization = RowReader(row: row, table: Statements.authorizations, prefix: "a_")
            return FamilyWithAuthorization(
                family: family,
                authorization: authorization.isPresent(key: UserAuthorizationRow.key)
                    ? try UserAuthorizationRow.decode(authorization) : nil)
        }
        return found.map { ($0.family, $0.authorization) }
    }

    /// A tuple is not `Sendable` out of a database closure; this pair is.
    private struct FamilyWithAuthorization: Sendable {
        let family: RefreshFamily
        let authorization: UserAuthorization?
    }
}
