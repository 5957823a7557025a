/// What this server honours of the metadata a client registers (RFC 7591 §2, §3.2.2).
extension AuthorizationServer {
    /// The assertion algorithms `private_key_jwt` may pin (OpenID Connect Registration 1.0 §2:
    /// those of `token_endpoint_auth_signing_alg_values_supported`) and whether DPoP is on for
    /// `dpop_bound_access_tokens` (RFC 9449 §5.2).
    var registrationSupport: ClientMetadata.ServerSupport {
        ClientMetadata.ServerSupport(
            assertionAlgorithms: assertionAlgorithms.filter { !$0.isSymmetric && !$0.isUnsecured },
            dpop: dpopVerifier != nil)
    }
}
