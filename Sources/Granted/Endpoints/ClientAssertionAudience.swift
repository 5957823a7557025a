/// What a JWT client assertion's `aud` must be (`Policy.clientAssertionAudience`), at every
/// endpoint where a client authenticates: token, PAR, revocation, introspection, device
/// authorization.
public enum ClientAssertionAudience: Sendable, Hashable {
    /// This server's issuer identifier, its token endpoint URL, or its PAR endpoint URL, alone
    /// or among other values (RFC 7523 §3 item 3; RFC 9126 §2, which says the PAR endpoint URL
    /// MUST be accepted; OpenID Connect Core §9). What clients written before RFC 10070 send:
    /// Authlib's `PrivateKeyJWT`, for one, names the token endpoint.
    case issuerOrEndpoint

    /// The issuer identifier and nothing else (RFC 10070 §4, updating RFC 7523 §3 item 3, and
    /// §5, updating RFC 9126 §2; for client authentication only; in the words of
    /// draft-ietf-oauth-rfc7523bis-11, which became it):
    /// - "The JWT MUST contain an aud (audience) claim containing the issuer identifier
    ///   [RFC8414] of the authorization server as its sole value."
    /// - "there MUST be no value other than the issuer identifier of the intended authorization
    ///   server used as the audience of the JWT; this includes that the token endpoint URL of
    ///   the authorization server MUST NOT be used as an audience value."
    /// - "The authorization server MUST reject any JWT that does not contain its issuer
    ///   identifier as its sole audience value."
    ///
    /// So the token endpoint URL and the PAR endpoint URL are refused, at the PAR endpoint too,
    /// and so is an array naming the issuer beside anything else. The RFC asks clients to send
    /// `aud` as a string, not a one-element array; the server's MUST is about the issuer being
    /// the sole value, which a one-element array also says, so both are accepted. Compared
    /// by simple string comparison (RFC 3986 §6.2.1, as RFC 7523 §3 item 3).
    ///
    /// The JWS `typ` `client-authentication+jwt` the RFC defines is accepted, as is every other
    /// or no `typ`: the RFC asks clients to send it ("Client authentication JWTs SHOULD be
    /// explicitly typed by using the typ header parameter value client-authentication+jwt") and
    /// does not recommend that servers reject an assertion without it.
    case issuerOnly

    /// Whether `audience` (the `aud` claim, a string read as a one-element array) names this
    /// server under the rule: `issuer` is the issuer identifier, `endpoints` the endpoint URLs
    /// `issuerOrEndpoint` also accepts.
    func accepts(_ audience: [String], issuer: String, endpoints: [String]) -> Bool {
        switch self {
        case .issuerOrEndpoint: audience.contains { $0 == issuer || endpoints.contains($0) }
        case .issuerOnly: audience == [issuer]
        }
    }
}
