import Foundation

/// Per-user API keys: each acts as the user with all of their access, until revoked.
/// Store failures answer `server_error`, as at every endpoint.
extension AuthorizationServer {
    /// Creates a key; its value is in the answer only, never stored (only its SHA-256 is).
    public func createAPIKey(for subject: Subject, name: String) async throws(OAuthError) -> (key: String, record: APIKey) {
        let minted = random.mintSecret(prefix: policy.apiKeyPrefix)
        let record = APIKey(id: APIKeyID(random: random), subject: subject, name: name, createdAt: clock.now)
        try await seam { try await store.insert(record, at: minted.digest) }
        return (minted.value, record)
    }

    /// Registers a key whose value the host already has (migrations, fixtures). A key already
    /// stored under that value stays as it is, revoked or not and whoever's, and is the answer.
    @discardableResult
    public func importAPIKey(_ value: String, for subject: Subject, name: String) async throws(OAuthError) -> APIKey {
        let record = APIKey(id: APIKeyID(random: random), subject: subject, name: name, createdAt: clock.now)
        let digest = SHA256.hash(value)
        try await seam { try await store.insert(record, at: digest) }
        return try await seam { try await store.apiKey(at: digest) } ?? record
    }

    /// The user's keys that still work (never their values).
    public func apiKeys(of subject: Subject) async throws(OAuthError) -> [APIKey] {
        try await seam { try await store.apiKeys(of: subject) }.filter(\.isActive)
    }

    /// Revokes one of the user's keys; false when it is not theirs or already revoked.
    @discardableResult
    public func revokeAPIKey(_ id: APIKeyID, of subject: Subject) async throws(OAuthError) -> Bool {
        let now = clock.now
        return try await seam {
            try await store.updateAPIKey(id) { key in
                guard key.subject == subject else { return false }
                return key.revoke(at: now)
            }
        } ?? false
    }
}
