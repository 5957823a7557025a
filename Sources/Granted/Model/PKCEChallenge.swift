/// A PKCE code challenge as the authorization request sent it (RFC 7636 §4.3).
public struct PKCEChallenge: Sendable, Hashable, Codable {
    public let challenge: String
    public let method: CodeChallengeMethod
    public init(challenge: String, method: CodeChallengeMethod) {
        self.challenge = challenge
        self.method = method
    }
}
