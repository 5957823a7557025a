import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The client metadata parser and the registration endpoints (RFC 7591 §2–§3; RFC 7592 §2):
/// never trap; metadata that is accepted keeps every validation rule and reads back as written;
/// a registered client can be read with its token and deleted, then is gone.
enum RegistrationChecks {
    static let server: AuthorizationServer = {
        var policy = Policy()
        policy.registration = .open
        policy.knownScopes = ["public", "profile", "openid"]
        return AuthorizationServer(
            issuer: "https://as.example", policy: policy, clients: InMemoryClientStore(),
            clock: FixedClock(now: FuzzServer.start))
    }()

    static func check(_ bytes: [UInt8]) async throws {
        let policy = server.policy
        if let metadata = try? ClientMetadata(json: bytes, policy: policy) {
            try invariants(of: metadata, policy: policy)
            let reread = try? ClientMetadata(registered: metadata.json)
            try require(reread == metadata, "registered metadata does not read back as written")
        }
        try await endpoint(bytes)
    }

    static func invariants(of metadata: ClientMetadata, policy: Policy) throws {
        try require(
            metadata.redirectURIs.allSatisfy { RedirectURIRules.isAcceptable($0, policy: policy) && !$0.contains("#") },
            "a redirect URI RFC 8252 §7.1 does not allow")
        let redirects = metadata.grantTypes.contains(.authorizationCode) || metadata.grantTypes.contains(.implicit)
        try require(!redirects || !metadata.redirectURIs.isEmpty, "a redirect-based grant without redirect URIs")
        try require(metadata.grantTypes.allSatisfy(GrantType.supported.contains), "an unsupported grant type")
        try require(
            ClientAuthenticationMethod.registrable.contains(metadata.tokenEndpointAuthMethod), "an unknown method")
        try require(
            metadata.tokenEndpointAuthMethod != .privateKeyJWT || metadata.publicKeys != nil,
            "private_key_jwt without keys")
        try require(
            metadata.tokenEndpointAuthMethod != .none || !metadata.grantTypes.contains(.clientCredentials),
            "a public client with client credentials")
        try require(
            (try? ClientMetadata.checkConsistency(grants: metadata.grantTypes, responses: metadata.responseTypes)) != nil,
            "inconsistent grant and response types")
        try require(metadata.scope.map { $0.isSubset(of: policy.knownScopes) } ?? true, "an unknown scope kept")
        if case .jwks(let set)? = metadata.publicKeys {
            // RFC 7591 §2: public keys only, never a shared secret.
            try require(!set.keys.contains { $0.key.keyType == "oct" }, "an oct key kept in jwks")
        }
        if let algorithm = metadata.tokenEndpointAuthSigningAlgorithm {
            // OpenID Connect Registration 1.0 §2: never none; one the method can use.
            try require(!algorithm.isUnsecured, "token_endpoint_auth_signing_alg none kept")
            switch metadata.tokenEndpointAuthMethod {
            case .clientSecretJWT: try require(algorithm == .hs256, "client_secret_jwt pinned to another alg than HS256")
            case .privateKeyJWT: try require(!algorithm.isSymmetric, "private_key_jwt pinned to an HMAC")
            default: throw FuzzFailure("token_endpoint_auth_signing_alg kept for a method without assertions")
            }
        }
        let client = metadata.client(id: "c", secretHash: metadata.needsSecret ? SecretHash(scheme: "sha256", value: []) : nil)
        try require(
            client.tokenEndpointAuthSigningAlgorithm == metadata.tokenEndpointAuthSigningAlgorithm
                && client.requiresDPoP == (metadata.dpopBoundAccessTokens ?? false),
            "the client lost its pinned alg or its DPoP requirement")
        try require(client.isConfidential == (metadata.tokenEndpointAuthMethod != .none), "confidentiality and method disagree")
        try require(!client.isConfidential || !client.accepts(.none), "a confidential client accepts none")
    }

    static func endpoint(_ bytes: [UInt8]) async throws {
        let request = OAuthRequest(
            method: .post, path: "/register", headers: ["Content-Type": "application/json"], body: bytes)
        guard let response = await server.handle(request) else { throw FuzzFailure("registration not routed") }
        try require([201, 400, 413].contains(response.status), "registration answered \(response.status)")
        guard response.status == 201 else {
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            try require(object?["error"] is String, "an error without a JSON error body")
            return
        }
        guard let document = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let id = document["client_id"] as? String, let token = document["registration_access_token"] as? String,
            let uri = document["registration_client_uri"] as? String
        else { throw FuzzFailure("a 201 without client_id, token or URI") }
        try require(uri == "https://as.example/register/" + id, "registration_client_uri is not under the endpoint")
        try require(try await server.clients.client(ClientID(id)) != nil, "a registered client is not stored")
        let path = "/register/" + id
        let bearer: HeaderFields = ["Authorization": "Bearer " + token]
        let read = await server.handle(OAuthRequest(method: .get, path: path, headers: bearer))
        try require(read?.status == 200, "the registration cannot be read with its token")
        try require(read.map { !$0.bodyText.contains("\"client_secret\"") } ?? false, "the secret is shown again")
        // RFC 7592 §3: the read answers a new token, and the one it replaced stops working.
        guard let readBody = read?.body,
            let readDocument = try? JSONSerialization.jsonObject(with: Data(readBody)) as? [String: Any],
            let rotated = readDocument["registration_access_token"] as? String, rotated != token
        else { throw FuzzFailure("a read without a new registration_access_token") }
        let stale = await server.handle(OAuthRequest(method: .get, path: path, headers: bearer))
        try require(stale?.status == 401, "a replaced registration token still reads")
        let current: HeaderFields = ["Authorization": "Bearer " + rotated]
        let deleted = await server.handle(OAuthRequest(method: .delete, path: path, headers: current))
        try require(deleted?.status == 204, "the registration cannot be deleted with its token")
        try require(try await server.clients.client(ClientID(id)) == nil, "a deleted client is still stored")
        let after = await server.handle(OAuthRequest(method: .get, path: path, headers: current))
        try require(after?.status == 401, "a deleted registration still answers")
    }
}
