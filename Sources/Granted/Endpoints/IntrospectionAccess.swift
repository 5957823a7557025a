/// Which authenticated clients may introspect tokens (RFC 7662 §2.1, §4: the endpoint must not
/// become a token-scanning oracle).
public enum IntrospectionAccess: Sendable, Hashable {
    /// Any confidential client (public clients never).
    case confidentialClients
    /// Only these clients, e.g. the resource servers.
    case listed(Set<ClientID>)

    func permits(_ client: Client) -> Bool {
        switch self {
        case .confidentialClients: client.isConfidential
        case .listed(let ids): client.isConfidential && ids.contains(client.id)
        }
    }
}
