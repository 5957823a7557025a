/// Server metadata (RFC 8414 §2; OpenID Connect Discovery 1.0 §3) and the JWK set (RFC 7517 §5),
/// generated from the configuration so they never disagree with what the server does.
extension AuthorizationServer {
    /// `GET /.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
    public func metadata(_ request: OAuthRequest) -> OAuthResponse {
        guard request.method == .get || request.method == .head else {
            return OAuthError.methodNotAllowed(allow: [.get])
        }
        return OAuthResponse(
            status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"],
            body: metadataDocument)
    }

    /// `GET` of the JWK set: the public keys of every published signing key.
    public func jwks(_ request: OAuthRequest) -> OAuthResponse {
        guard request.method == .get || request.method == .head else {
            return OAuthError.methodNotAllowed(allow: [.get])
        }
        return OAuthResponse(
            status: 200, headers: ["Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300"],
            body: signingKeys?.jwks ?? Array(#"{"keys":[]}"#.utf8))
    }

    /// What every endpoint that authenticates clients accepts: the secret methods, a public
    /// client's id, `client_secret_jwt`, and `private_key_jwt` when public keys can be verified.
    var clientAuthenticationMethods: [ClientAuthenticationMethod] {
        ClientAuthenticationMethod.tokenEndpoint.filter { $0 != .privateKeyJWT || publicKeyVerification != nil }
    }

    /// HS256 for `client_secret_jwt`, then what `publicKeyVerification` verifies.
    var assertionAlgorithms: [JWSAlgorithm] {
        [.hs256] + (publicKeyVerification?.algorithms.filter { !$0.isSymmetric && !$0.isUnsecured } ?? [])
    }

    var metadataDocument: [UInt8] {
        let supportedResponseTypes = ResponseType.known.filter(isSupported).map(\.description)
        let tokenAuthMethods = clientAuthenticationMethods.map(\.rawValue)
        var codeChallengeMethods: [CodeChallengeMethod] = [.s256]
        if policy.allowsPlainPKCE { codeChallengeMethods.append(.plain) }
        var json = JSONWriter(capacity: 2048)
        json.field("issuer", issuer)
        json.field("authorization_endpoint", issuer + paths.authorization)
        json.field("token_endpoint", issuer + paths.token)
        // RFC 8628 §4.
        json.field("device_authorization_endpoint", issuer + paths.deviceAuthorization)
        // RFC 9126 §5.
        json.field("pushed_authorization_request_endpoint", issuer + paths.pushedAuthorizationRequest)
        json.field("require_pushed_authorization_requests", policy.requiresPushedAuthorizationRequests)
        json.field("revocation_endpoint", issuer + paths.revocation)
        json.field("introspection_endpoint", issuer + paths.introspection)
        if clientRegistry != nil { json.field("registration_endpoint", issuer + paths.registration) }
        if canSignIDTokens {
            json.field("userinfo_endpoint", issuer + paths.userInfo)
            json.field("jwks_uri", issuer + paths.jwks)
        }
        json.field("scopes_supported", policy.knownScopes.map(\.rawValue))
        json.field("response_types_supported", supportedResponseTypes)
        json.field("response_modes_supported", ResponseMode.allCases.map(\.rawValue))
        json.field("grant_types_supported", GrantType.supported.map(\.rawValue))
        json.field("token_endpoint_auth_methods_supported", tokenAuthMethods)
        json.field("revocation_endpoint_auth_methods_supported", tokenAuthMethods)
        json.field(
            "introspection_endpoint_auth_methods_supported", clientAuthenticationMethods.filter { $0 != .none }.map(\.rawValue))
        // RFC 8414 §2: the JWS algorithms of client assertions, the same list for each endpoint.
        let assertionAlgorithms = assertionAlgorithms.map(\.rawValue)
        json.field("token_endpoint_auth_signing_alg_values_supported", assertionAlgorithms)
        json.field("revocation_endpoint_auth_signing_alg_values_supported", assertionAlgorithms)
        json.field("introspection_endpoint_auth_signing_alg_values_supported", assertionAlgorithms)
        json.field("code_challenge_methods_supported", codeChallengeMethods.map(\.rawValue))
        json.field("authorization_response_iss_parameter_supported", true)
        if let dpopVerifier {
            // RFC 9449 §5.1.
            json.field("dpop_signing_alg_values_supported", dpopVerifier.algorithms.map(\.rawValue))
        }
        if supportsClientMetadataDocuments {
            // draft-ietf-oauth-client-id-metadata-document §6.
            json.field("client_id_metadata_document_supported", true)
        }
        if !policy.resources.isEmpty {
            // RFC 9728 §4: the resources this server issues tokens for (RFC 8707 identifiers).
            json.field("protected_resources", policy.resources.resources.keys.sorted().map(\.rawValue))
        }
        if canSignIDTokens {
            json.field("subject_types_supported", ["public"])
            json.field("id_token_signing_alg_values_supported", idTokenAlgorithms)
            json.field(
                "claims_supported",
                ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash", "c_hash", "sid"]
                    + ScopeClaims.profile + ScopeClaims.email + ScopeClaims.address + ScopeClaims.phone)
            json.field("claims_parameter_supported", false)
            json.field("request_parameter_supported", false)
            json.field("request_uri_parameter_supported", false)
            json.field("prompt_values_supported", AuthorizationRequest.Prompt.allCases.map(\.rawValue))
            // RP-Initiated Logout 1.0 §2.1; Back-Channel Logout 1.0 §2.1.
            json.field("end_session_endpoint", issuer + paths.endSession)
            json.field("backchannel_logout_supported", true)
            json.field("backchannel_logout_session_supported", true)
        }
        return json.finish()
    }
}
