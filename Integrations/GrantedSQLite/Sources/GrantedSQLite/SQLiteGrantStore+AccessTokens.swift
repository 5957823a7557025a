import Foundation
import GRDB
import Granted

/// Access tokens (RFC 6749 §1.4) and authorization codes (§4.1.2), keyed by digest.
extension SQLiteGrantStore {
    public func insert(_ token: AccessToken, at digest: Digest256) async throws {
        _ = try await execute(
            Statements.insertAccessToken, Self.binds(key: Self.key { $0.append(digest: digest) }, token, AccessTokenRow.bind))
    }

    /// One indexed read: the token LEFT JOINed with its family and its user authorization.
    public func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? {
        try await database.readRow(Statements.accessTokenJoined, .digest(digest)) { row in
            try Self.accessTokenRecord(row)
        }
    }

    /// The token, and its family and authorization when the LEFT JOINs found them.
    private static func accessTokenRecord(_ row: StatementRow) throws -> AccessTokenRecord {
        let token = try AccessTokenRow.decode(RowReader(row: row, table: Statements.accessTokens))
        let family = RowReader(row: row, table: Statements.families, prefix: "f_")
        let authorization = RowReader(row: row, table: Statements.authorizations, prefix: "a_")
        return AccessTokenRecord(
            token: token,
            family: family.isPresent(key: RefreshFamilyRow.key) ? try RefreshFamilyRow.decode(family) : nil,
            authorization: authorization.isPresent(key: UserAuthorizationRow.key)
                ? try UserAuthorizationRow.decode(authorization) : nil)
    }

    public func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.accessToken, write: Statements.updateAccessToken, table: Statements.accessTokens,
            key: Self.key { $0.append(digest: digest) }, decode: AccessTokenRow.decode, bind: AccessTokenRow.bind,
            transition)
    }

    public func insert(_ code: AuthorizationCode, at digest: Digest256) async throws {
        _ = try await execute(
            Statements.insertCode, Self.binds(key: Self.key { $0.append(digest: digest) }, code, AuthorizationCodeRow.bind))
    }

    /// Read, redeem and write back in one immediate transaction: of any number of concurrent
    /// redemptions, in any number of processes, one sees the code issued (RFC 6749 §4.1.2).
    public func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.codeByDigest, write: Statements.updateCode, table: Statements.codes,
            key: Self.key { $0.append(digest: digest) }, decode: AuthorizationCodeRow.decode,
            bind: AuthorizationCodeRow.bind, transition)
    }
}
