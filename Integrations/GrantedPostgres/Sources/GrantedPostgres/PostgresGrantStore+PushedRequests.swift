import Foundation
import Granted
import PostgresNIO

/// Pushed authorization requests (RFC 9126), keyed by the request_uri's digest: of concurrent uses
/// exactly one sees it pushed (an update of the version read; see `update`).
extension PostgresGrantStore {
    public func insert(_ request: PushedRequest, at digest: Digest256) async throws {
        _ = try await rows(
            sql.insertPushedRequest, Self.binds(key: { $0.append(digest: digest) }, request, PushedRequestRow.bind))
    }

    public func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            sql.pushedRequestUpdate, table: sql.pushedRequests, key: { $0.append(digest: digest) },
            decode: PushedRequestRow.decode, bind: PushedRequestRow.bind, transition)
    }
}
