import Foundation

/// A client registered through the registration endpoint (RFC 7591 §3.2.1): the client the
/// other endpoints see, the metadata it registered, and the digest of its registration access
/// token (RFC 7592 §1.2), never the token.
public struct RegisteredClient: Sendable, Hashable {
    public var client: Client
    public var metadata: ClientMetadata
    /// `client_id_issued_at` (RFC 7591 §3.2.1).
    public var issuedAt: Date
    /// SHA-256 of the registration access token.
    public var accessTokenDigest: Digest256

    public init(client: Client, metadata: ClientMetadata, issuedAt: Date, accessTokenDigest: Digest256) {
        self.client = client
        self.metadata = metadata
        self.issuedAt = issuedAt
        self.accessTokenDigest = accessTokenDigest
    }

    public var id: ClientID { client.id }
}

/// A client store the registration endpoints can write (RFC 7591 §3; RFC 7592 §2). Each change
/// is one atomic call; `expecting` makes a replace or delete conditional on the registration
/// access token the endpoint checked, so a concurrent change is never overwritten.
public protocol ClientRegistry: ClientStore {
    /// Adds a registration under a new id.
    /// - Returns: false, changing nothing, when any client (registered or configured) has the id.
    func insert(_ registration: RegisteredClient) async throws -> Bool
    /// The registration under `id`; nil for an unknown id or a client that was configured, not registered.
    func registration(_ id: ClientID) async throws -> RegisteredClient?
    /// Replaces the registration with the same id when its access token digest is `expecting`.
    /// - Returns: false, changing nothing, otherwise.
    func replace(_ registration: RegisteredClient, expecting: Digest256) async throws -> Bool
    /// Removes the client and its registration when its access token digest is `expecting`.
    /// - Returns: false, changing nothing, otherwise.
    func delete(_ id: ClientID, expecting: Digest256) async throws -> Bool
    /// Adds or replaces a client the host configured (one without a dynamic registration): a
    /// registration under its id is dropped with the old client.
    func register(_ client: Client) async throws
    /// Every client's id, registered or configured, in ascending order of the raw value's UTF-8
    /// bytes: what an operator lists (`granted clients list`). Not on any request path.
    func clientIDs() async throws -> [ClientID]
}
