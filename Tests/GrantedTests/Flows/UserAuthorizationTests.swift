import Foundation
import Testing
@testable import Granted

/// The grant one user gave one client, as the user sees and controls it: listed, accumulated,
/// and revoked with everything that hangs from it.
@Suite("User authorizations: listing and revoking what a user granted (RFC 6749 §1.3, §10.4)")
struct UserAuthorizationTests {
    let flow = CodeFlow()

    @Test("an approval is recorded and listed for its user only")
    func recordedAndListed() async throws {
        _ = try await flow.signIn(scope: "public profile")
        let listed = try await flow.server.authorizations(of: CodeFlow.alice)
        let authorization = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(authorization.subject == CodeFlow.alice)
        #expect(authorization.client == CodeFlow.webApp.clientID)
        #expect(authorization.scopes == [.public, .profile])
        #expect(authorization.isActive)
        #expect(authorization.createdAt == TestServer.start)
        #expect(try await flow.server.authorizations(of: CodeFlow.bob).isEmpty)
    }

    @Test("further approvals of the same client add their scopes to one authorization")
    func scopesAccumulate() async throws {
        _ = try await flow.code(CodeFlow.codeRequest(scope: "public"))
        let first = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)
        flow.clock.advance(by: 60)
        _ = try await flow.code(CodeFlow.codeRequest(scope: "profile email"), scopes: [.email])
        let listed = try await flow.server.authorizations(of: CodeFlow.alice)
        let second = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(second.id == first.id)
        #expect(second.scopes == [.public, .email])
        #expect(second.createdAt == first.createdAt)
        #expect(second.updatedAt == first.updatedAt + 60)
    }

    @Test("each client has its own authorization, listed oldest first")
    func onePerClient() async throws {
        _ = try await flow.signIn()
        flow.clock.advance(by: 1)
        _ = try await flow.signInNative()
        let listed = try await flow.server.authorizations(of: CodeFlow.alice)
        #expect(listed.map(\.client) == [CodeFlow.webApp.clientID, CodeFlow.nativeApp])
    }

    @Test("implicit approvals are recorded too (RFC 6749 §4.2)")
    func implicitRecorded() async throws {
        _ = try await flow.approve([
            ("response_type", "token"), ("client_id", CodeFlow.implicitApp.rawValue),
            ("redirect_uri", CodeFlow.implicitRedirect),
        ])
        #expect(try await flow.server.authorizations(of: CodeFlow.alice).map(\.client) == [CodeFlow.implicitApp])
    }

    @Test("a denial records nothing (RFC 6749 §4.1.2.1)")
    func denialRecordsNothing() async throws {
        let request = try await flow.authorizationRequest(CodeFlow.codeRequest())
        _ = flow.server.deny(request)
        #expect(try await flow.server.authorizations(of: CodeFlow.alice).isEmpty)
    }

    @Test(
        "revoking an authorization cuts its access tokens, refresh tokens and unredeemed codes (RFC 6749 §10.4)",
        arguments: ["by id", "by client"])
    func revokeCutsEverything(how: String) async throws {
        let tokens = try await flow.signIn()
        let refreshed = try CodeFlow.Tokens(await flow.refresh(try #require(tokens.refreshToken)))
        let unredeemed = try await flow.code()
        let authorization = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)

        let revoked =
            how == "by id"
            ? try await flow.server.revokeAuthorization(authorization.id, of: CodeFlow.alice)
            : try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID)
        #expect(revoked)

        #expect(await flow.check(tokens.accessToken).response?.status == 401)
        #expect(await !flow.verifies(refreshed.accessToken))
        #expect(await flow.refresh(try #require(refreshed.refreshToken)).errorCode == "invalid_grant")
        #expect(await flow.exchange(unredeemed).errorCode == "invalid_grant")
        #expect(try await flow.server.authorizations(of: CodeFlow.alice).isEmpty)
    }

    @Test("a code approved before the revocation stays dead after a new approval (RFC 6749 §10.5)")
    func oldCodeStaysDead() async throws {
        let old = try await flow.code()
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        _ = try await flow.signIn()
        #expect(await flow.exchange(old).errorCode == "invalid_grant")
    }

    @Test("a new approval after a revocation works with fresh tokens while the old stay dead")
    func approvalAfterRevoke() async throws {
        let old = try await flow.signIn(scope: "public profile")
        let oldAuthorization = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)
        #expect(try await flow.server.revokeAuthorization(oldAuthorization.id, of: CodeFlow.alice))
        flow.clock.advance(by: 10)

        let fresh = try await flow.signIn(scope: "public")
        let listed = try await flow.server.authorizations(of: CodeFlow.alice)
        let newAuthorization = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(newAuthorization.id != oldAuthorization.id)
        #expect(newAuthorization.scopes == [.public], "scopes approved before the revocation do not carry over")

        #expect(await flow.verifies(fresh.accessToken))
        #expect(await flow.refresh(try #require(fresh.refreshToken)).status == 200)
        #expect(await !flow.verifies(old.accessToken))
        #expect(await flow.refresh(try #require(old.refreshToken)).errorCode == "invalid_grant")
    }

    @Test("another user cannot revoke an authorization that is not theirs")
    func otherUserCannotRevoke() async throws {
        let tokens = try await flow.signIn()
        let authorization = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)
        #expect(try await !flow.server.revokeAuthorization(authorization.id, of: CodeFlow.bob))
        #expect(try await !flow.server.revokeAuthorization(of: CodeFlow.bob, for: CodeFlow.webApp.clientID))
        #expect(await flow.verifies(tokens.accessToken))
        #expect(try await flow.server.authorizations(of: CodeFlow.alice).count == 1)
    }

    @Test("revoking twice, or an unknown authorization, answers false")
    func revokeTwice() async throws {
        _ = try await flow.signIn()
        let authorization = try #require(try await flow.server.authorizations(of: CodeFlow.alice).first)
        #expect(try await flow.server.revokeAuthorization(authorization.id, of: CodeFlow.alice))
        #expect(try await !flow.server.revokeAuthorization(authorization.id, of: CodeFlow.alice))
        #expect(try await !flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        let unknown = AuthorizationID(random: SystemRandom())
        #expect(try await !flow.server.revokeAuthorization(unknown, of: CodeFlow.alice))
    }

    @Test("revoking one client's authorization leaves the user's other clients and other users alone")
    func revokeIsScoped() async throws {
        let web = try await flow.signIn()
        let native = try await flow.signInNative()
        let bobs = try await flow.signIn(subject: CodeFlow.bob)
        #expect(try await flow.server.revokeAuthorization(of: CodeFlow.alice, for: CodeFlow.webApp.clientID))
        #expect(await !flow.verifies(web.accessToken))
        #expect(await flow.verifies(native.accessToken))
        #expect(await flow.verifies(bobs.accessToken))
        #expect(await flow.refresh(try #require(native.refreshToken), as: CodeFlow.native).status == 200)
    }
}
