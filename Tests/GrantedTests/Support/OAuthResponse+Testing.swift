import Foundation
import Testing

@testable import Granted

/// The error codes RFC 6749 §5.2 allows a token endpoint to answer.
let tokenEndpointErrorCodes: Set<String> = [
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope",
]

/// The characters of base64url (RFC 4648 §5).
let base64URLCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

extension OAuthResponse {
    /// The body decoded as a JSON object; throws when it is not one.
    func jsonObject() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body))
        return try #require(object as? [String: Any], "body is not a JSON object: \(bodyText)")
    }

    /// The `error` member of a JSON error body (RFC 6749 §5.2), nil when there is none.
    var errorCode: String? { (try? jsonObject())?["error"] as? String }

    /// Whether the response forbids caching, as token responses and their errors must (RFC 6749 §5.1, §5.2).
    var isNotCacheable: Bool {
        headers["Cache-Control"] == "no-store" && headers["Pragma"] == "no-cache"
    }
}

extension ResourceGuard.Decision {
    var grant: AccessGrant? {
        if case .allowed(let grant) = self { grant } else { nil }
    }
    var response: OAuthResponse? {
        if case .denied(let response, _) = self { response } else { nil }
    }
}
