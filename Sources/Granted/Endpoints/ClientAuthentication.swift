/// Client authentication at the token, revocation, introspection and device authorization
/// endpoints (RFC 6749 §2.3, §3.2.1): HTTP Basic, `client_secret` in the body, a JWT assertion
/// (RFC 7523 §2.2), or `client_id` alone for a public client.
extension AuthorizationServer {
    /// - Throws: `invalidRequest` when two methods are used or the body names another client
    ///   than the Basic header (§2.3); `invalidClient` when authentication fails (§5.2).
    func authenticateClient(_ request: OAuthRequest, form: FormParameters) async throws(OAuthError) -> Client {
        let bodyID = try form.single("client_id")
        let bodySecret = try form.single("client_secret")
        let assertionType = try form.single("client_assertion_type")
        let assertion = try form.single("client_assertion")
        let authorizations = request.headers.count(of: "authorization")
        if assertionType != nil || assertion != nil {
            // §2.3: exactly one method per request.
            guard bodySecret == nil, authorizations == 0 else {
                throw .invalidRequest("more than one client authentication method was used")
            }
            guard let assertionType, let assertion else {
                throw .invalidRequest("client_assertion and client_assertion_type go together")
            }
            guard assertionType == ClientAssertion.type else { throw .invalidClient(basicChallenge: false) }
            return try await authenticateClient(assertion: assertion, formClientID: bodyID)
        }
        let method: ClientAuthenticationMethod
        let id: String
        let secret: String?
        switch authorizations {
        case 0:
            guard let bodyID else { throw .invalidClient(basicChallenge: false) }
            id = bodyID
            secret = bodySecret
            method = bodySecret == nil ? .none : .clientSecretPost
        case 1:
            guard let header = request.headers["authorization"],
                let basic = try BasicCredentials(authorization: header)
            else { throw .invalidClient(basicChallenge: true) }
            guard bodySecret == nil else {
                throw .invalidRequest("more than one client authentication method was used")
            }
            if let bodyID, bodyID != basic.clientID.rawValue {
                throw .invalidRequest("client_id does not match the authenticated client")
            }
            id = basic.clientID.rawValue
            secret = basic.secret
            method = .clientSecretBasic
        default:
            throw .invalidRequest("repeated Authorization header")
        }
        let challenge = method == .clientSecretBasic
        let clientID = ClientID(id)
        guard let client = try await seam({ try await clients.client(clientID) }) else {
            if let secret { _ = secretHasher.hash(secret) }  // same work as a known client
            throw .invalidClient(basicChallenge: challenge)
        }
        guard client.accepts(method) else {
            throw .invalidClient(basicChallenge: challenge)
        }
        if let secret {
            guard let stored = client.secretHash, verifySecret(secret, of: client.id, against: stored) else {
                throw .invalidClient(basicChallenge: challenge)
            }
        }
        return client
    }
}
