import Foundation

/// Where client metadata documents come from: the host's HTTP client (draft-ietf-oauth-client-id-metadata-document
/// §5). The engine never fetches; it asks this seam for the document at a client identifier URL
/// and validates what comes back.
///
/// A source must (§5, §8.6, §8.7):
/// - send a `GET` to `url.url` and never follow a redirect (a 3xx is answered as it came);
/// - refuse to connect when the name resolves to a special-use address (RFC 6890: loopback,
///   private, link-local…), which only the host can see;
/// - stop reading after `limit` bytes and throw, and give up after a short timeout;
/// - answer the status, the body and the response's caching headers.
///
/// Throwing means the fetch failed: the client is then unknown, and nothing is cached (§5.2).
public protocol ClientMetadataDocumentSource: Sendable {
    /// The response at `url`, its body at most `limit` bytes.
    func document(at url: ClientIdentifierURL, limit: Int) async throws -> FetchedClientMetadataDocument
}
