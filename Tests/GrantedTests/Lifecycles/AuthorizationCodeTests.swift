import Foundation
import Testing
@testable import Granted
import GrantedTesting

extension AuthorizationCode {
    /// A code issued at `t0` to `code-app`, bound to its redirect URI and, when given, a challenge.
    static func fixture(
        lifetime: TimeInterval = 30, redirectURI: String? = CodeFlow.webAppRedirect, challenge: PKCEChallenge? = nil
    ) -> AuthorizationCode {
        AuthorizationCode(
            client: CodeFlow.webApp.clientID, redirectURI: redirectURI, scopes: [.public], subject: CodeFlow.alice,
            authTime: AuthorizationCodeTests.t0, nonce: nil, challenge: challenge,
            authorization: AuthorizationID(uuid: UUID()), family: FamilyID(uuid: UUID()),
            issuedAt: AuthorizationCodeTests.t0, lifetime: lifetime)
    }
}

@Suite("Authorization code lifecycle (RFC 6749 §4.1.2, §10.5)")
struct AuthorizationCodeTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    var t0: Date { Self.t0 }

    @Test("a code is redeemable only before it expires (RFC 6749 §4.1.2)", arguments: [0, 1, 29, 30, 31, 3600])
    func redeem(afterSeconds seconds: Int) {
        var code = AuthorizationCode.fixture(lifetime: 30)
        let now = t0 + TimeInterval(seconds)
        let granted = seconds < 30
        #expect(code.redeem(at: now) == (granted ? .granted : .expired))
        #expect(code.state == (granted ? .redeemed(at: now) : .issued(expiresAt: t0 + 30)))
    }

    @Test("the lifetime is the code's own (RFC 6749 §4.1.2: at most 10 minutes)", arguments: [1.0, 30, 600])
    func lifetime(seconds: TimeInterval) {
        var early = AuthorizationCode.fixture(lifetime: seconds)
        var late = early
        #expect(early.redeem(at: t0 + seconds - 0.001) == .granted)
        #expect(late.redeem(at: t0 + seconds) == .expired)
    }

    @Test(
        "a second redemption is a replay, at any time after the first (RFC 6749 §4.1.2)",
        arguments: [0, 1, 29, 30, 31, 3600])
    func replay(afterSeconds seconds: Int) {
        var code = AuthorizationCode.fixture()
        #expect(code.redeem(at: t0 + 5) == .granted)
        #expect(code.redeem(at: t0 + 5 + TimeInterval(seconds)) == .replayed)
        #expect(code.state == .redeemed(at: t0 + 5), "a replay leaves the first redemption's record")
    }

    @Test("an expired code stays expired; it never becomes redeemed or a replay (RFC 6749 §4.1.2)")
    func expiredStaysExpired() {
        var code = AuthorizationCode.fixture()
        for offset in [30.0, 31, 3600] {
            #expect(code.redeem(at: t0 + offset) == .expired)
        }
        #expect(code.state == .issued(expiresAt: t0 + 30))
        #expect(code.redeem(at: t0 + 29) == .granted, "time does not run backwards, but the state is untouched")
    }

    @Test("a revoked code cannot be redeemed, and revoking a redeemed code keeps it redeemed")
    func revoke() {
        var issued = AuthorizationCode.fixture()
        issued.revoke(at: t0 + 1)
        #expect(issued.state == .revoked(at: t0 + 1))
        #expect(issued.redeem(at: t0 + 2) == .revoked)

        var redeemed = AuthorizationCode.fixture()
        _ = redeemed.redeem(at: t0 + 1)
        redeemed.revoke(at: t0 + 2)
        #expect(redeemed.state == .redeemed(at: t0 + 1))
        #expect(redeemed.redeem(at: t0 + 3) == .replayed)
    }

    @Test("deadSince: expiry while issued, the moment of redemption or revocation after")
    func deadSince() {
        var code = AuthorizationCode.fixture()
        #expect(code.deadSince == t0 + 30)
        _ = code.redeem(at: t0 + 4)
        #expect(code.deadSince == t0 + 4)
        var revoked = AuthorizationCode.fixture()
        revoked.revoke(at: t0 + 7)
        #expect(revoked.deadSince == t0 + 7)
    }

    @Test("however attempts are ordered and timed, at most one is granted (RFC 6749 §4.1.2)", arguments: 0..<200)
    func grantedAtMostOnce(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var code = AuthorizationCode.fixture(lifetime: 30)
        let attempts = (0..<Int.random(in: 1...8, using: &random)).map { _ in
            t0 + .random(in: 0...60, using: &random)
        }
        let outcomes = attempts.map { code.redeem(at: $0) }
        #expect(outcomes.filter { $0 == .granted }.count <= 1, "seed \(seed): \(outcomes)")
        if let first = outcomes.firstIndex(of: .granted) {
            #expect(outcomes[(first + 1)...].allSatisfy { $0 == .replayed }, "seed \(seed): \(outcomes)")
        }
    }
}

@Suite("Authorization code grant rules (RFC 6749 §4.1.3; RFC 7636 §4.6; RFC 9700 §2.1.1)")
struct AuthorizationCodeGrantTests {
    let t0 = AuthorizationCodeTests.t0

    func challenge() throws -> PKCEChallenge {
        PKCEChallenge(challenge: try PKCEVector.rfc7636().challenge, method: .s256)
    }

    @Test("the right client, redirect URI and verifier redeem the code (RFC 6749 §4.1.3; RFC 7636 §4.6)")
    func granted() throws {
        var code = AuthorizationCode.fixture(challenge: try challenge())
        let outcome = AuthorizationCodeGrant.redeem(
            &code, client: CodeFlow.webApp.clientID, redirectURI: CodeFlow.webAppRedirect,
            verifier: try PKCEVector.rfc7636().verifier, at: t0 + 1)
        guard case .granted = outcome else {
            Issue.record("expected granted, got \(outcome)")
            return
        }
        #expect(code.state == .redeemed(at: t0 + 1))
    }

    @Test(
        "a failed binding check is refused and leaves the code issued (RFC 6749 §4.1.3; RFC 7636 §4.6)",
        arguments: ["client", "redirect_uri", "missing redirect_uri", "verifier", "missing verifier", "downgrade"])
    func bindingFailures(failure: String) throws {
        let vector = try PKCEVector.rfc7636()
        var code = AuthorizationCode.fixture(challenge: failure == "downgrade" ? nil : try challenge())
        let before = code
        var client = CodeFlow.webApp.clientID
        var redirectURI: String? = CodeFlow.webAppRedirect
        var verifier: String? = vector.verifier
        switch failure {
        case "client": client = CodeFlow.otherApp.clientID
        case "redirect_uri": redirectURI = CodeFlow.otherAppRedirect
        case "missing redirect_uri": redirectURI = nil
        case "verifier": verifier = String(repeating: "a", count: 43)
        case "missing verifier": verifier = nil
        default: break  // downgrade: a verifier for a code issued without a challenge
        }
        let outcome = AuthorizationCodeGrant.redeem(
            &code, client: client, redirectURI: redirectURI, verifier: verifier, at: t0 + 1)
        guard case .refused = outcome else {
            Issue.record("expected refused, got \(outcome)")
            return
        }
        #expect(code == before)
    }

    @Test("a redirect URI sent to the token endpoint when the request had none is ignored (RFC 6749 §4.1.3)")
    func unboundRedirectURI() {
        var code = AuthorizationCode.fixture(redirectURI: nil)
        let outcome = AuthorizationCodeGrant.redeem(
            &code, client: CodeFlow.webApp.clientID, redirectURI: CodeFlow.webAppRedirect, verifier: nil, at: t0)
        guard case .granted = outcome else {
            Issue.record("expected granted, got \(outcome)")
            return
        }
    }

    @Test("a replay by the same client is reported as a replay whatever else it sends (RFC 6749 §4.1.2)")
    func replayReported() {
        var code = AuthorizationCode.fixture()
        _ = AuthorizationCodeGrant.redeem(
            &code, client: CodeFlow.webApp.clientID, redirectURI: CodeFlow.webAppRedirect, verifier: nil, at: t0)
        let outcome = AuthorizationCodeGrant.redeem(
            &code, client: CodeFlow.webApp.clientID, redirectURI: nil, verifier: nil, at: t0 + 3600)
        guard case .replayed(let replayed) = outcome else {
            Issue.record("expected replayed, got \(outcome)")
            return
        }
        #expect(replayed.family == code.family)
    }
}
