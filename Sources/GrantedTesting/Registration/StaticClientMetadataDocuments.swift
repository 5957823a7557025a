import Foundation
@_spi(Testing) import Granted

/// A `ClientMetadataDocumentSource` that answers from memory, for tests of hosts that accept
/// client metadata documents: `serve(_:at:)` a document, then count the fetches. A URL with
/// nothing served throws, as a failed fetch does.
public final class StaticClientMetadataDocuments: ClientMetadataDocumentSource {
    /// The URL a document was asked for with nothing served there.
    public struct NotServed: Error, Sendable, Hashable { public let url: String }

    private let state: Locked<(responses: [String: FetchedClientMetadataDocument], fetches: [String])>

    public init() { state = Locked(([:], [])) }

    /// Answers `response` at `url` from now on (replacing what was served there).
    public func serve(_ response: FetchedClientMetadataDocument, at url: String) {
        state.withLock { $0.responses[url] = response }
    }

    /// Serves a 200 response with `json` as its body and `Cache-Control: cacheControl`.
    public func serve(json: String, at url: String, cacheControl: String? = nil) {
        serve(FetchedClientMetadataDocument(status: 200, body: Array(json.utf8), cacheControl: cacheControl), at: url)
    }

    /// Stops serving `url`: fetches throw again.
    public func remove(_ url: String) { state.withLock { $0.responses[url] = nil } }

    /// Every URL fetched, in order.
    public var fetches: [String] { state.withLock { $0.fetches } }

    public func document(at url: ClientIdentifierURL, limit: Int) async throws -> FetchedClientMetadataDocument {
        let response = state.withLock { state in
            state.fetches.append(url.rawValue)
            return state.responses[url.rawValue]
        }
        guard let response else { throw NotServed(url: url.rawValue) }
        return response
    }

    /// The smallest document a public client with one redirect URI serves (RFC 7591 §2 names).
    public static func document(
        clientID: String, redirectURIs: [String], name: String? = nil,
        grantTypes: [String] = ["authorization_code", "refresh_token"], extra: String = ""
    ) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var members = [
            "\"client_id\":" + quoted(clientID),
            "\"redirect_uris\":[" + redirectURIs.map(quoted).joined(separator: ",") + "]",
            "\"grant_types\":[" + grantTypes.map(quoted).joined(separator: ",") + "]",
            "\"token_endpoint_auth_method\":\"none\"",
        ]
        if let name { members.append("\"client_name\":" + quoted(name)) }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }
}
