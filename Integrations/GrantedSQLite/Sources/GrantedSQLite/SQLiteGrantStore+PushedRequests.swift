import Foundation
import Granted

/// Pushed authorization requests (RFC 9126), keyed by the request_uri's digest: a use is one
/// immediate transaction, so of concurrent uses exactly one sees it pushed (§4: one-time use).
extension SQLiteGrantStore {
    public func insert(_ request: PushedRequest, at digest: Digest256) async throws {
        _ = try await execute(
            Statements.insertPushedRequest,
            Self.binds(key: Self.key { $0.append(digest: digest) }, request, PushedRequestRow.bind))
    }

    public func updatePushedRequest<Outcome: Sendable>(
        at digest: Digest256, _ transition: @Sendable (inout PushedRequest) -> Outcome
    ) async throws -> Outcome? {
        try await update(
            select: Statements.pushedRequestByDigest, write: Statements.updatePushedRequest,
            table: Statements.pushedRequests, key: Self.key { $0.append(digest: digest) },
            decode: PushedRequestRow.decode, bind: PushedRequestRow.bind, transition)
    }
}
