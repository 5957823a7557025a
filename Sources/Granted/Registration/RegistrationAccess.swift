/// Who may register a client at the registration endpoint (RFC 7591 §3: open, or protected by
/// an initial access token, §1.2, or by whatever the host decides).
public enum RegistrationAccess: Sendable {
    /// No registration endpoint: `handle(_:)` does not route it and the metadata does not name it.
    case closed
    /// Anyone may register (§3).
    case open
    /// A request must carry `Authorization: Bearer <token>` with one of the tokens the host
    /// issued out of band, held only as SHA-256 digests (§1.2, §3). See `initialAccessTokens(_:)`.
    case initialAccessToken([Digest256])
    /// The host decides, seeing the validated metadata and the request (its headers, say).
    case decidedByHost(@Sendable (ClientMetadata, OAuthRequest) async -> RegistrationDecision)

    /// Initial access tokens given in the clear (a configuration file), kept as digests.
    public static func initialAccessTokens(_ tokens: [String]) -> RegistrationAccess {
        .initialAccessToken(tokens.map(Digest256.init(hashing:)))
    }

    var isOpenToSomeone: Bool {
        if case .closed = self { return false }
        return true
    }
}

/// The host's answer to a registration request (`RegistrationAccess.decidedByHost`).
public enum RegistrationDecision: Sendable, Hashable {
    case allow
    /// Answered 403 `access_denied`.
    case deny
}
