import Foundation
import Granted
import PostgresNIO

/// Access tokens (RFC 6749 §1.4) and authorization codes (§4.1.2), keyed by digest.
extension PostgresGrantStore {
    /// One statement (prepared on `PostgresStorage`'s connections).
    public func insert(_ token: AccessToken, at digest: Digest256) async throws {
        let binds = Self.binds(key: { $0.append(digest: digest) }, token, AccessTokenRow.bind)
        _ = try await prepared ? rows(InsertAccessToken(bindings: binds)) : rows(sql.insertAccessToken, binds)
    }

    /// One indexed read: the token LEFT JOINed with its family and its user authorization
    /// (prepared on `PostgresStorage`'s connections), repeated once on a connection found gone.
    public func accessToken(at digest: Digest256) async throws -> AccessTokenRecord? {
        let binds = Self.binds { $0.append(digest: digest) }
        let found = try await retryingLostConnection {
            try await prepared ? rows(AccessTokenJoined(bindings: binds)) : rows(sql.accessTokenJoined, binds)
        }
        guard let row = found.first else { return nil }
        let columns = row.makeRandomAccess()
        let token = try AccessTokenRow.decode(RowReader(row: columns, table: sql.accessTokens))
        let family = RowReader(row: columns, table: sql.families, prefix: "f_")
        let authorization = RowReader(row: columns, table: sql.authorizations, prefix: "a_")
        return AccessTokenRecord(
            token: token,
            family: family.isPresent(key: "id") ? try RefreshFamilyRow.decode(family) : nil,
            authorization: authorization.isPresent(key: "id") ? try UserAuthorizationRow.decode(authorization) : nil)
    }

    public func updateAccessToken<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AccessToken) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.accessTokenUpdate, table: sql.accessTokens, key: { $0.append(digest: digest) },
            decode: AccessTokenRow.decode, bind: AccessTokenRow.bind, transition)
    }

    public func insert(_ code: AuthorizationCode, at digest: Digest256) async throws {
        _ = try await rows(sql.insertCode, Self.binds(key: { $0.append(digest: digest) }, code, AuthorizationCodeRow.bind))
    }

    /// The code and its version, the redemption, and an `UPDATE` of that version only: of any
    /// number of concurrent redemptions, in any number of processes, one sees the code issued
    /// (two round trips; see `update`).
    public func updateCode<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout AuthorizationCode) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.codeUpdate, table: sql.codes, key: { $0.append(digest: digest) },
            decode: AuthorizationCodeRow.decode, bind: AuthorizationCodeRow.bind, transition)
    }
}
