import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// `CodeFlow` with pushed authorization requests (RFC 9126): a push, and the authorization
/// endpoint's request by reference.
extension CodeFlow {
    /// Confidential, code grant, registered with `require_pushed_authorization_requests` (§6).
    static let parOnlyApp = BasicCredentials(clientID: "par-only-app", secret: "par-only-secret")
    static let parOnlyRedirect = "https://par-only.example.com/callback"

    static var parOnlyClient: Client {
        Client(
            id: parOnlyApp.clientID, authentication: .clientSecret(SHA256SecretHasher().hash(parOnlyApp.secret)),
            redirectURIs: [parOnlyRedirect], grantTypes: [.authorizationCode], requiresPushedAuthorizationRequests: true)
    }

    /// A flow whose clients include `parOnlyApp`.
    static func withPAR(policy: Policy = Policy()) -> CodeFlow {
        CodeFlow(policy: policy, extraClients: [parOnlyClient])
    }

    /// POST to the pushed authorization request endpoint (§2.1) as `caller`; the caller's
    /// authentication supplies `client_id` unless `parameters` name it.
    func push(_ parameters: [(String, String?)], as caller: Caller? = CodeFlow.web) async -> OAuthResponse {
        let fields = caller.map { caller in parameters.filter { $0.0 != "client_id" || caller.isBasic } } ?? parameters
        return await server.pushedAuthorizationRequest(RequestBuilder.form("/par", fields, as: caller))
    }

    /// The `request_uri` of a successful push.
    func requestURI(_ parameters: [(String, String?)] = CodeFlow.codeRequest(), as caller: Caller = CodeFlow.web)
        async throws -> String
    {
        let response = await push(parameters, as: caller)
        #expect(response.status == 201, "\(response.bodyText)")
        return try #require(try response.jsonObject()["request_uri"] as? String)
    }

    /// `/authorize?client_id=…&request_uri=…` plus `inline` (§4).
    func authorize(
        _ requestURI: String, client: ClientID = CodeFlow.webApp.clientID, inline: [(String, String?)] = []
    ) async -> AuthorizationValidation {
        await validate([("client_id", client.rawValue), ("request_uri", requestURI)] + inline)
    }
}

extension ClientAuth {
    var isBasic: Bool { if case .basic = self { true } else { false } }
}
