import Foundation
import Testing

@testable import Granted

/// Outside review, findings 5 and 8: revoking another client's token, and a 401 without a
/// challenge.
@Suite("Outside review 5 and 8: revocation of another client's token (RFC 7009 §2.1), 401 challenges (RFC 9110 §15.5.2)")
struct RevocationAndChallengeTests {
    let flow = RevocationFlow()

    @Test(
        "RFC 7009 §2.1: revoking another client's token is refused with 400 unauthorized_client, and the token keeps working",
        arguments: PresentedToken.allCases)
    func anotherClientsTokenRefused(_ kind: PresentedToken) async throws {
        let (token, _) = try await kind.issue(flow)
        for intruder in [CodeFlow.other, .resourceServer, CodeFlow.native, kind == .appAccessToken ? CodeFlow.web : .service] {
            let response = await flow.revoke(token, as: intruder)
            #expect(response.status == 400, "\(intruder): \(response.status) \(response.bodyText)")
            #expect(response.errorCode == "unauthorized_client", "\(intruder)")
        }
        switch kind {
        case .refreshToken: #expect(await flow.refresh(token).status == 200)
        case .appAccessToken, .userAccessToken: #expect(await flow.verifies(token))
        }
    }

    @Test(
        "RFC 9110 §15.5.2, RFC 6749 §5.2: every 401 invalid_client carries WWW-Authenticate, Basic when no scheme was tried",
        arguments: BadClientAuthentication.allCases)
    func everyUnauthorizedCarriesAChallenge(_ failure: BadClientAuthentication) async throws {
        let requests = [
            failure.request("/token", [("grant_type", "client_credentials")]),
            failure.request("/revoke", [("token", "gat_whatever")]),
            failure.request("/introspect", [("token", "gat_whatever")]),
        ]
        for request in requests {
            let response = try #require(await flow.server.handle(request))
            #expect(response.status == 401, "\(request.path)")
            #expect(response.errorCode == "invalid_client")
            let challenges = response.headers.filter { HeaderFields.namesEqual($0.name, "WWW-Authenticate") }
            #expect(challenges.count == 1, "\(request.path): \(failure)")
            #expect(challenges.first?.value.lowercased().hasPrefix("basic ") == true, "\(request.path): \(failure)")
        }
    }
}
