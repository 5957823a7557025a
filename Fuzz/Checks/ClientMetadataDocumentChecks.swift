import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// Client ID metadata documents: any bytes, as a fetched document for one fixed client
/// identifier URL, as a candidate URL, and as a `Cache-Control` value, never trap; whatever is
/// accepted keeps the draft's rules.
enum ClientMetadataDocumentChecks {
    static let url = ClientIdentifierURL("https://client.example.com/oauth/metadata.json")

    static func check(_ bytes: [UInt8]) throws {
        guard let url else { throw FuzzFailure("the fixed client identifier URL is refused") }
        if let document = try? ClientMetadataDocument(FetchedClientMetadataDocument(status: 200, body: bytes), from: url) {
            let client = document.client
            try require(bytes.count <= ClientMetadataDocument.defaultSizeLimit, "a document over the size limit")
            try require(client.id.rawValue == url.rawValue, "client_id differs from the URL")
            try require(!client.redirectURIs.isEmpty, "no redirect URI")
            try require(
                client.redirectURIs.allSatisfy { RedirectURIRules.kind(of: $0) != nil }, "a redirect URI the rules refuse")
            try require(client.authentication == .none && client.requiresPKCE, "not a public PKCE client")
            try require(client.allows(.authorizationCode), "no authorization_code grant")
            try require(client.grantTypes.isSubset(of: [.authorizationCode, .refreshToken]), "a grant a document may not have")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let candidate = ClientIdentifierURL(text) {
            try require(candidate.rawValue == text, "the identifier was not kept verbatim")
            try require(text.hasPrefix("https://"), "not https")
            try require(!text.contains("#") && !text.contains("\\"), "a fragment or a backslash")
            let authority = text.dropFirst(8).prefix { $0 != "/" && $0 != "?" }
            try require(!authority.contains("@"), "user information")
            try require(text.dropFirst(8).contains("/"), "no path")
            let path = text.dropFirst(8 + authority.count).prefix { $0 != "?" }
            try require(!path.split(separator: "/").contains { $0 == "." || $0 == ".." }, "a dot segment")
        }
        switch FetchedClientMetadataDocument.Freshness(cacheControl: text, age: text) {
        case .lifetime(let seconds): try require(seconds >= 0 && seconds.isFinite, "a negative lifetime")
        case .noStore, .unspecified: break
        }
    }
}
