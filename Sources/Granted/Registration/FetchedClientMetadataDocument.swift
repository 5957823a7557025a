import Foundation

/// What the host's fetch answered: status, body and how long it may be reused.
public struct FetchedClientMetadataDocument: Sendable, Hashable {
    /// How long a document may be reused, from the response's HTTP caching headers (RFC 9111).
    public enum Freshness: Sendable, Hashable {
        /// `no-store` or `no-cache`: fetch again for every request.
        case noStore
        /// Fresh this many seconds from now (`max-age` less `Age`).
        case lifetime(TimeInterval)
        /// The response said nothing; the store's default lifetime applies.
        case unspecified
    }

    /// Only 200 is a document (§5); every other status is a failed fetch.
    public var status: Int
    public var body: [UInt8]
    public var freshness: Freshness

    public init(status: Int, body: [UInt8], freshness: Freshness = .unspecified) {
        self.status = status
        self.body = body
        self.freshness = freshness
    }

    /// A response as HTTP gave it, its freshness read from the `Cache-Control` and `Age` header
    /// values (RFC 9111 §5.2.2, §4.2.3).
    public init(status: Int, body: [UInt8], cacheControl: String?, age: String? = nil) {
        self.init(status: status, body: body, freshness: Freshness(cacheControl: cacheControl, age: age))
    }
}

extension FetchedClientMetadataDocument.Freshness {
    /// `no-store` and `no-cache` win over `max-age` (RFC 9111 §5.2.2.4-5: a stored response must
    /// not be reused without revalidation, which this cache does not do); `max-age` less `Age` is
    /// the lifetime (§4.2.1, §4.2.3); a malformed `max-age` is ignored, as a missing one.
    public init(cacheControl: String?, age: String? = nil) {
        guard let cacheControl else {
            self = .unspecified
            return
        }
        var maxAge: TimeInterval?
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "no-store", "no-cache":
                self = .noStore
                return
            case "max-age" where parts.count == 2:
                var value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                if let seconds = Self.deltaSeconds(value) { maxAge = maxAge.map { min($0, seconds) } ?? seconds }
            default:
                continue
            }
        }
        guard let maxAge else {
            self = .unspecified
            return
        }
        let elapsed = age.flatMap { Self.deltaSeconds($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        self = .lifetime(max(0, maxAge - elapsed))
    }

    /// RFC 9111 §1.2.2 delta-seconds: digits only, a too-large value read as 2^31.
    private static func deltaSeconds(_ text: String) -> TimeInterval? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard text.count <= 10, let value = Int(text) else { return 2_147_483_648 }
        return TimeInterval(min(value, 2_147_483_648))
    }
}
