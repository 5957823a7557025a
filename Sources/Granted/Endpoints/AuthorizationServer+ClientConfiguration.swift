import Foundation

/// The client configuration endpoint (RFC 7592 §2): `registration_client_uri`, under the
/// registration path, with the registration access token as a Bearer token.
extension AuthorizationServer {
    /// `GET` reads the registration (§2.1), `PUT` replaces it (§2.2), `DELETE` removes the client
    /// (§2.3). A missing or wrong token, and an unknown client, are the same 401 (§2.1), so client
    /// ids cannot be probed.
    public func clientConfiguration(_ request: OAuthRequest) async -> OAuthResponse {
        guard let registry = clientRegistry else { return OAuthError.registrationRefusedResponse }
        let allowed: [OAuthRequest.Method] = [.get, .put, .delete]
        guard allowed.contains(request.method) else { return OAuthError.methodNotAllowed(allow: allowed) }
        do throws(RegistrationFailure) {
            let digest = try Self.bearerDigest(request)
            guard let id = configurationClientID(request.path) else { throw .unauthorized(.invalidToken) }
            let found: RegisteredClient?
            do { found = try await registry.registration(id) } catch { throw .oauth(.serverError) }
            guard let stored = found, stored.accessTokenDigest.constantTimeEquals(digest) else {
                throw .unauthorized(.invalidToken)
            }
            switch request.method {
            case .put:
                return try await replace(stored, with: request, presented: digest, in: registry)
            case .delete:
                let deleted: Bool
                do { deleted = try await registry.delete(id, expecting: digest) } catch { throw .oauth(.serverError) }
                guard deleted else { throw .unauthorized(.invalidToken) }
                return OAuthResponse(status: 204, headers: ["Cache-Control": "no-store", "Pragma": "no-cache"])
            default:
                return try await read(stored, presented: digest, in: registry)
            }
        } catch {
            return error.response
        }
    }

    /// §2.1, §3: the response carries `registration_access_token` (REQUIRED), and only the old
    /// one's digest is kept, so a read rotates it: one atomic replace conditional on the token
    /// presented, after which the client must use the new one (§2.1). The secret is not shown
    /// again (only its hash is kept; §2.1 lets the response differ from the registration's).
    private func read(
        _ stored: RegisteredClient, presented digest: Digest256, in registry: any ClientRegistry
    ) async throws(RegistrationFailure) -> OAuthResponse {
        let accessToken = random.mintSecret(prefix: policy.registrationAccessTokenPrefix)
        var rotated = stored
        rotated.accessTokenDigest = accessToken.digest
        let replaced: Bool
        do { replaced = try await registry.replace(rotated, expecting: digest) } catch { throw .oauth(.serverError) }
        guard replaced else { throw .unauthorized(.invalidToken) }
        return .json(registrationDocument(rotated, secret: nil, accessToken: accessToken.value))
    }

    /// The client id of a configuration URI path, `<registration>/<client_id>`.
    func configurationClientID(_ path: String) -> ClientID? {
        let prefix = paths.registration + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let id = path.dropFirst(prefix.count)
        guard !id.isEmpty, !id.contains("/") else { return nil }
        return ClientID(String(id))
    }

    /// §2.2: the body is the whole new metadata (omitted members are deleted) with the client's
    /// own `client_id`; the server-issued members, if sent, must equal the current ones, and a
    /// `client_secret` must be the current secret. The secret is kept while the method needs one;
    /// the registration access token is rotated (§3 allows a new one).
    private func replace(
        _ stored: RegisteredClient, with request: OAuthRequest, presented digest: Digest256,
        in registry: any ClientRegistry
    ) async throws(RegistrationFailure) -> OAuthResponse {
        let members = try jsonMembers(request)
        do throws(OAuthError) {
            guard try members.string("client_id") == stored.id.rawValue else {
                throw .invalidClientMetadata("client_id must be the client's own")
            }
            if let token = try members.string("registration_access_token"),
                !Digest256(hashing: token).constantTimeEquals(digest)
            {
                throw .invalidClientMetadata("registration_access_token cannot be changed")
            }
            if let uri = try members.string("registration_client_uri"), uri != registrationClientURI(stored.id) {
                throw .invalidClientMetadata("registration_client_uri cannot be changed")
            }
            if members.isPresent("client_id_issued_at"),
                try members.integer("client_id_issued_at") != Int(stored.issuedAt.timeIntervalSince1970)
            {
                throw .invalidClientMetadata("client_id_issued_at cannot be changed")
            }
            if members.isPresent("client_secret_expires_at"), try members.integer("client_secret_expires_at") != 0 {
                throw .invalidClientMetadata("client_secret_expires_at cannot be changed")
            }
            if let secret = try members.string("client_secret") {
                guard let hash = stored.client.secretHash, verifySecret(secret, of: stored.id, against: hash) else {
                    throw .invalidClientMetadata("client_secret must be the current secret")
                }
            }
        } catch {
            throw .oauth(error)
        }
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata(members: members, policy: policy, support: registrationSupport)
        } catch { throw .oauth(error) }
        var newSecret: String?
        var hash: SecretHash?
        if metadata.needsSecret {
            // A hashed secret (registered before derived ones) cannot key client_secret_jwt: replace it.
            if stored.metadata.needsSecret, let kept = stored.client.secretHash,
                kept.scheme == DerivedClientSecret.scheme || metadata.tokenEndpointAuthMethod != .clientSecretJWT
            {
                hash = kept
            } else {
                let issued = issueDerivedClientSecret(for: stored.id)
                newSecret = issued.secret
                hash = issued.stored
            }
        }
        let accessToken = random.mintSecret(prefix: policy.registrationAccessTokenPrefix)
        let replacement = RegisteredClient(
            client: metadata.client(id: stored.id, secretHash: hash), metadata: metadata, issuedAt: stored.issuedAt,
            accessTokenDigest: accessToken.digest)
        let replaced: Bool
        do { replaced = try await registry.replace(replacement, expecting: digest) } catch { throw .oauth(.serverError) }
        guard replaced else { throw .unauthorized(.invalidToken) }
        return .json(registrationDocument(replacement, secret: newSecret, accessToken: accessToken.value))
    }
}
