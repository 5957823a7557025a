/// Where a client's `jwks_uri` is read (RFC 7591 §2; RFC 7523 §2.2): the host's HTTP client.
/// The engine never fetches; it asks this seam for the JWK Set at the registered URL each time a
/// `private_key_jwt` client of that kind authenticates, so the source caches as the host sees
/// fit (respecting `Cache-Control`, refetching when an assertion names an unknown `kid`).
///
/// A source should fetch only `https` URLs, refuse special-use addresses (RFC 6890), bound the
/// size and time of a fetch, and throw on any failure: the client then fails to authenticate
/// with `invalid_client` (RFC 6749 §5.2; the URL and what it serves are the client's), never
/// with keys from elsewhere, and nothing is recorded.
public protocol JWKSetSource: Sendable {
    /// The JWK Set served at `uri` (RFC 7517 §5).
    func jwkSet(at uri: String) async throws -> JWKSet
}
