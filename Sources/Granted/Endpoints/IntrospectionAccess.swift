/// Which authenticated clients may introspect which tokens (RFC 7662 §2.1, §4: the endpoint must
/// not become a token-scanning oracle, and protected resources are specifically authorized).
/// Public clients never may. A token the caller may not see answers `{"active":false}`, exactly
/// as an unknown one does.
public enum IntrospectionAccess: Sendable, Hashable {
    /// The default. A client sees the access and refresh tokens issued to it; a client registered
    /// as a resource server (`Client.isResourceServer`) also sees every access token (tokens have
    /// no audience yet: issue 14 narrows this to tokens whose audience includes it). Refresh
    /// tokens only ever by their own client; API keys by no client.
    case issuedToCallerOrResourceServer
    /// Any confidential client sees every token, API keys and other clients' refresh tokens
    /// included: the wide mode, for deployments where every confidential client is trusted.
    case confidentialClients
    /// Only these confidential clients may call the endpoint, and they see every token.
    case listed(Set<ClientID>)

    /// The kinds of token introspection finds.
    enum Kind: Sendable { case accessToken, refreshToken, apiKey }

    /// Whether `client` may call the endpoint at all.
    func permits(_ client: Client) -> Bool {
        switch self {
        case .issuedToCallerOrResourceServer, .confidentialClients: client.isConfidential
        case .listed(let ids): client.isConfidential && ids.contains(client.id)
        }
    }

    /// Whether `caller` may learn anything of a token of `kind` issued to `owner` (nil for an API
    /// key, which belongs to a user), `username` included (RFC 7662 §4).
    func reveals(_ kind: Kind, issuedTo owner: ClientID?, to caller: Client) -> Bool {
        switch self {
        case .confidentialClients, .listed: true
        case .issuedToCallerOrResourceServer:
            switch kind {
            case .accessToken: owner == caller.id || caller.isResourceServer
            case .refreshToken: owner == caller.id
            case .apiKey: false
            }
        }
    }
}
