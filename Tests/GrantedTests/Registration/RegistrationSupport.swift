import Foundation
import Testing
@testable import Granted
import GrantedTesting

/// A server with open registration (RFC 7591 §3) and the requests a registering client sends.
struct RegistrationHarness: Sendable {
    let flow: CodeFlow
    var server: AuthorizationServer { flow.server }

    init(access: RegistrationAccess = .open, configure: (inout Policy) -> Void = { _ in }) {
        var policy = Policy()
        policy.registration = access
        configure(&policy)
        flow = CodeFlow(policy: policy)
    }

    static let redirect = "https://registered.example.com/callback"

    /// `POST /register` with `body` as JSON.
    static func registration(
        _ body: String, headers: HeaderFields = ["Content-Type": "application/json"]
    ) -> OAuthRequest {
        OAuthRequest(method: .post, path: "/register", headers: headers, body: Array(body.utf8))
    }

    /// A request to a configuration URI with the registration access token.
    static func configuration(
        _ method: OAuthRequest.Method, _ uri: String, token: String?, body: String? = nil
    ) -> OAuthRequest {
        var headers: HeaderFields = [:]
        if let token { headers.append("Authorization", "Bearer \(token)") }
        if body != nil { headers.append("Content-Type", "application/json") }
        let path = String(uri.dropFirst(TestServer.issuer.count))
        return OAuthRequest(method: method, path: path, headers: headers, body: Array((body ?? "").utf8))
    }

    /// Registers and answers the client information response (RFC 7591 §3.2.1).
    func register(_ body: String) async throws -> Registered {
        let response = await server.handle(Self.registration(body))
        let answered = try #require(response)
        #expect(answered.status == 201, "\(answered.bodyText)")
        return try Registered(answered.jsonObject())
    }

    /// The members of a client information response.
    struct Registered {
        let document: [String: Any]
        init(_ document: [String: Any]) { self.document = document }
        var clientID: String { document["client_id"] as? String ?? "" }
        var secret: String? { document["client_secret"] as? String }
        var accessToken: String { document["registration_access_token"] as? String ?? "" }
        var uri: String { document["registration_client_uri"] as? String ?? "" }
        var credentials: BasicCredentials { BasicCredentials(clientID: ClientID(clientID), secret: secret ?? "") }
        subscript(name: String) -> Any? { document[name] }
    }

    static let publicClient = #"{"redirect_uris":["https://registered.example.com/callback"],"token_endpoint_auth_method":"none","client_name":"Registered SPA"}"#
    static let confidentialClient = #"{"redirect_uris":["https://registered.example.com/callback"],"grant_types":["authorization_code","refresh_token","client_credentials"],"scope":"public profile"}"#
}
