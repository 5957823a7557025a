import Foundation
import Testing

@testable import Granted

/// Outside review, finding 2: `approve` for a request that demanded a new sign-in, with a session
/// that never gave one (OpenID Connect Core §3.1.2.1).
@Suite("Outside review 2: approve enforces prompt=login and max_age (OpenID Connect Core §3.1.2.1)")
struct ReauthenticationTests {
    /// A request parameter, how long ago the user signed in, and whether that satisfies it.
    static let cases: [(String, String, TimeInterval, Bool)] = [
        ("prompt", "login", 3600, false),
        ("prompt", "login", 24 * 3600, false),
        ("prompt", "login consent", 3600, false),
        ("prompt", "login", 0, true),
        ("prompt", "login", 30, true),
        ("max_age", "60", 120, false),
        ("max_age", "0", 1, false),
        ("max_age", "600", 120, true),
        ("max_age", "60", 60, true),
        ("prompt", "consent", 24 * 3600, true),
    ]

    @Test(
        "OpenID Connect Core §3.1.2.1: approve answers login_required when prompt=login or max_age asked for a sign-in the session's auth_time does not satisfy",
        arguments: cases)
    func approveChecksAuthTime(_ parameter: (String, String, TimeInterval, Bool)) async throws {
        let (name, value, age, satisfied) = parameter
        let flow = CodeFlow()
        let request = try await flow.authorizationRequest(
            CodeFlow.codeRequest(scope: "openid", extra: [(name, value), ("nonce", "n")]))
        let redirect = try CodeFlow.Redirect(
            await flow.server.approve(request, subject: CodeFlow.alice, authTime: flow.clock.now - age))
        if satisfied {
            #expect(redirect["code"] != nil, "\(name)=\(value) after \(age) s: \(redirect.parameters)")
        } else {
            #expect(redirect.error == "login_required", "\(name)=\(value) after \(age) s: \(redirect.parameters)")
            #expect(redirect["code"] == nil)
            #expect(redirect["state"] == CodeFlow.state)
        }
    }

    @Test("OpenID Connect Core §3.1.2.1: a refused approval stores nothing: no authorization is recorded for the user")
    func refusedApprovalRecordsNothing() async throws {
        let flow = CodeFlow()
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest(extra: [("prompt", "login")]))
        _ = await flow.server.approve(request, subject: CodeFlow.alice, authTime: flow.clock.now - 3600)
        #expect(try await flow.store.authorizations(of: CodeFlow.alice).isEmpty)
    }
}
