import Foundation
import Granted

extension AuthorizationServer {
    /// What a browser and a consenting user do: validates `request` at the authorization
    /// endpoint, approves it for `subject`, and parses the redirect (RFC 6749 §4.1.1, §4.1.2).
    /// - Parameters:
    ///   - scopes: what the user approves; nil approves everything asked.
    ///   - authTime: when the user signed in; nil: the server clock's now.
    /// - Throws: `UnexpectedResponse` when validation refuses the request or the answer is not a redirect.
    public func approvedRedirect(
        _ request: OAuthRequest, subject: Subject, scopes: ScopeSet? = nil, authTime: Date? = nil
    ) async throws(UnexpectedResponse) -> AuthorizationRedirect {
        let validated: AuthorizationRequest
        switch await validate(request) {
        case .valid(let request): validated = request
        case .redirect(let response, let error): throw UnexpectedResponse("refused (\(error))", response)
        case .userFacing(let error, let response): throw UnexpectedResponse("refused (\(error))", response)
        }
        return try AuthorizationRedirect(
            await approve(validated, subject: subject, scopes: scopes, authTime: authTime ?? clock.now))
    }

    /// `approvedRedirect` in the host's session: the approval records the client in it and the
    /// ID tokens carry its `sid` (Back-Channel Logout 1.0 §2.1).
    public func approvedRedirect(
        _ request: OAuthRequest, session: UserSession, scopes: ScopeSet? = nil
    ) async throws(UnexpectedResponse) -> AuthorizationRedirect {
        let validated: AuthorizationRequest
        switch await validate(request) {
        case .valid(let request): validated = request
        case .redirect(let response, let error): throw UnexpectedResponse("refused (\(error))", response)
        case .userFacing(let error, let response): throw UnexpectedResponse("refused (\(error))", response)
        }
        return try AuthorizationRedirect(await approve(validated, session: session, scopes: scopes))
    }

    /// "Authorize and return the code": `approvedRedirect`, then its `code`.
    /// - Throws: `UnexpectedResponse` as `approvedRedirect` does, or when the redirect has no code.
    public func authorizeCode(
        _ request: OAuthRequest, subject: Subject, scopes: ScopeSet? = nil, authTime: Date? = nil
    ) async throws(UnexpectedResponse) -> String {
        let redirect = try await approvedRedirect(request, subject: subject, scopes: scopes, authTime: authTime)
        guard let code = redirect.code else {
            throw UnexpectedResponse("no code in the redirect", redirect.response)
        }
        return code
    }
}
