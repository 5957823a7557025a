import Foundation

extension AuthorizationServer {
    var canSignIDTokens: Bool { false }

    /// Signs an ID token (OpenID Connect Core §2). Until a signer seam exists, OpenID Connect
    /// responses that need one are refused at validation, so this is never reached with success.
    func idToken(
        client: ClientID, subject: Subject, nonce: String?, authTime: Date, scopes: ScopeSet,
        accessToken: String?, code: String?, now: Date
    ) throws(OAuthError) -> String? {
        nil
    }
}
