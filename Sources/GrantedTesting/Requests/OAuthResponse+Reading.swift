import Foundation
import Granted

extension OAuthResponse {
    /// The `error` member of a JSON error body (RFC 6749 §5.2), nil when there is none.
    public var oauthError: String? {
        struct ErrorBody: Decodable { let error: String }
        return try? JSONDecoder().decode(ErrorBody.self, from: Data(body)).error
    }
}

extension TokenResponse {
    /// Decodes a successful token response (RFC 6749 §5.1).
    /// - Throws: `UnexpectedResponse` for any status but 200 or a body that is not one.
    public init(_ response: OAuthResponse) throws(UnexpectedResponse) {
        guard response.status == 200 else { throw UnexpectedResponse("token request failed", response) }
        do {
            self = try JSONDecoder().decode(TokenResponse.self, from: Data(response.body))
        } catch {
            throw UnexpectedResponse("not a token response (\(error))", response)
        }
    }
}
