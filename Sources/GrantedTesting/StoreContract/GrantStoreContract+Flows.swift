import Foundation
import Granted

/// Whole flows through the engine over the store: what a client sees must not depend on which
/// store keeps the grants.
extension GrantStoreContract {
    /// A client credentials token works until its client revokes it (RFC 6749 §4.4; RFC 7009).
    public static func flowClientCredentials(_ makeStore: MakeStore) async throws {
        let flow = ContractFlow(store: try await makeStore())
        let token = try await flow.issueToken(scope: "public profile")
        guard case .allowed(let grant) = await flow.check(token) else {
            throw ContractFailure("a fresh token was refused")
        }
        try expectEqual(grant.client, ContractFlow.service.clientID, "the token's client")
        try expectEqual(grant.scopes, [.public, .profile], "the token's scopes")
        try expect(grant.subject == nil, "an app-only token has no subject")
        try expectEqual(await flow.revoke(token, as: ContractFlow.service).status, 200, "revocation")
        try expect(await !flow.verifies(token), "a revoked token is refused")
    }

    /// 100 concurrent redemptions of one code: exactly one is granted, the rest are
    /// `invalid_grant`, and the replays revoke what the winner got (RFC 6749 §4.1.2).
    public static func flowConcurrentRedemption(_ makeStore: MakeStore) async throws {
        let flow = ContractFlow(store: try await makeStore())
        let code = try await flow.code()
        let responses = try await Records.race(100) { await flow.exchange(code) }
        let granted = responses.filter { $0.status == 200 }
        try expectEqual(granted.count, 1, "successful redemptions")
        try expectEqual(
            responses.filter { ContractFlow.errorCode(of: $0) == "invalid_grant" }.count, 99, "invalid_grant answers")
        let tokens = try ContractFlow.Tokens(granted[0])
        try expect(await !flow.verifies(tokens.accessToken), "the replays revoked the winner's access token")
        let refresh = try require(tokens.refreshToken, "a refresh token")
        try expectEqual(ContractFlow.errorCode(of: await flow.refresh(refresh)), "invalid_grant", "its refresh token")
    }

    /// 50 concurrent refreshes with one rotating refresh token: exactly one succeeds (RFC 9700 §4.14.2).
    public static func flowConcurrentRefresh(_ makeStore: MakeStore) async throws {
        let flow = ContractFlow(store: try await makeStore())
        let refresh = try require(try await flow.signIn().refreshToken, "a refresh token")
        let responses = try await Records.race(50) { await flow.refresh(refresh) }
        try expectEqual(responses.filter { $0.status == 200 }.count, 1, "successful refreshes")
        try expectEqual(
            responses.filter { ContractFlow.errorCode(of: $0) == "invalid_grant" }.count, 49, "invalid_grant answers")
    }

    /// Revoking the user's authorization ends its tokens at once; signing in again starts a new one.
    public static func flowRevokedAuthorization(_ makeStore: MakeStore) async throws {
        let flow = ContractFlow(store: try await makeStore())
        let tokens = try await flow.signIn()
        try expect(await flow.verifies(tokens.accessToken), "the token works")
        let client = ContractFlow.webApp.clientID
        try expect(try await flow.server.revokeAuthorization(of: ContractFlow.alice, for: client), "revoked")
        try expect(await !flow.verifies(tokens.accessToken), "the access token is refused")
        let refresh = try require(tokens.refreshToken, "a refresh token")
        try expectEqual(ContractFlow.errorCode(of: await flow.refresh(refresh)), "invalid_grant", "the refresh token")
        try expectEqual(try await flow.server.authorizations(of: ContractFlow.alice), [], "no active authorization")

        let again = try await flow.signIn()
        try expect(await flow.verifies(again.accessToken), "a new sign-in works")
        try expectEqual(try await flow.server.authorizations(of: ContractFlow.alice).count, 1, "one active again")
        try expectEqual(try await flow.store.authorizations(of: ContractFlow.alice).count, 2, "both are kept")
    }
}
