import Foundation

/// A client as a configuration file or database row describes it, in the metadata names of
/// RFC 7591 §2 (`client_id`, `redirect_uris`, `grant_types`, `token_endpoint_auth_method`, `scope`).
/// A plain `client_secret` is hashed on load and never kept; `client_secret_hash` (the
/// `SecretHash` text form) is for stores that never saw the secret.
public struct ClientRegistration: Sendable, Hashable, Codable {
    public var clientID: String
    public var clientName: String?
    public var clientSecret: String?
    public var clientSecretHash: String?
    public var redirectURIs: [String]?
    public var grantTypes: [String]
    public var tokenEndpointAuthMethod: String?
    public var scope: String?
    public var requirePKCE: Bool?
    /// `"resource_server": true` lets the client introspect access tokens (RFC 7662 §4); not an
    /// RFC 7591 name, Granted's own.
    public var resourceServer: Bool?
    /// RFC 9126 §6: its authorization requests must be pushed.
    public var requirePushedAuthorizationRequests: Bool?
    /// RP-Initiated Logout 1.0 §3.1 and Back-Channel Logout 1.0 §2.2 metadata.
    public var postLogoutRedirectURIs: [String]?
    public var backchannelLogoutURI: String?
    public var backchannelLogoutSessionRequired: Bool?

    /// A registration built in code (a host's admin tool, a test), not decoded from JSON.
    /// Give `clientSecret` or `clientSecretHash` for a confidential client, neither for a public
    /// one; `client(hashingWith:)` checks the rest.
    public init(
        clientID: String, clientName: String? = nil, clientSecret: String? = nil,
        clientSecretHash: String? = nil, redirectURIs: [String]? = nil, grantTypes: [String],
        tokenEndpointAuthMethod: String? = nil, scope: String? = nil, requirePKCE: Bool? = nil
    ) {
        self.clientID = clientID
        self.clientName = clientName
        self.clientSecret = clientSecret
        self.clientSecretHash = clientSecretHash
        self.redirectURIs = redirectURIs
        self.grantTypes = grantTypes
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.scope = scope
        self.requirePKCE = requirePKCE
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientName = "client_name"
        case clientSecret = "client_secret"
        case clientSecretHash = "client_secret_hash"
        case redirectURIs = "redirect_uris"
        case grantTypes = "grant_types"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case scope
        case requirePKCE = "require_pkce"
        case resourceServer = "resource_server"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case postLogoutRedirectURIs = "post_logout_redirect_uris"
        case backchannelLogoutURI = "backchannel_logout_uri"
        case backchannelLogoutSessionRequired = "backchannel_logout_session_required"
    }

    /// Why a registration cannot become a client.
    public enum Problem: Error, Sendable, Hashable {
        case emptyClientID
        case malformedScope
        case malformedSecretHash
        case unknownAuthenticationMethod
        /// A confidential method without a secret, or `none` with one.
        case secretDoesNotMatchMethod
        /// RFC 6749 §3.1.2: absolute URI, no fragment; RFC 8252 §7.1: `https`, `http` or a
        /// private-use scheme with a dot, never `javascript:`, `data:`, `vbscript:`, `file:`.
        case malformedRedirectURI
    }

    /// The client, its secret hashed with `hasher`.
    /// - Throws: `Problem` for anything inconsistent; nothing is guessed.
    public func client(hashingWith hasher: any SecretHasher) throws(Problem) -> Client {
        guard !clientID.isEmpty else { throw .emptyClientID }
        var hash: SecretHash?
        if let clientSecret {
            hash = hasher.hash(clientSecret)
        } else if let clientSecretHash {
            guard let parsed = SecretHash(encoded: clientSecretHash) else { throw .malformedSecretHash }
            hash = parsed
        }
        let method = ClientAuthenticationMethod(
            rawValue: tokenEndpointAuthMethod ?? (hash == nil ? "none" : "client_secret_basic"))
        let authentication: Client.Authentication
        switch (method, hash) {
        case (.none, nil):
            authentication = .none
        case (.clientSecretBasic, let hash?), (.clientSecretPost, let hash?):
            // A confidential client may use either secret method; the registered one is first choice.
            authentication = .clientSecret(hash, methods: .all)
        case (.none, .some), (.clientSecretBasic, nil), (.clientSecretPost, nil):
            throw .secretDoesNotMatchMethod
        default:
            throw .unknownAuthenticationMethod
        }
        var scopes: ScopeSet?
        if let scope {
            do { scopes = try ScopeSet.parse(scope) } catch { throw .malformedScope }
        }
        let uris = redirectURIs ?? []
        let logoutURIs = postLogoutRedirectURIs ?? []
        for uri in uris + logoutURIs + (backchannelLogoutURI.map { [$0] } ?? [])
        where RedirectURIRules.kind(of: uri) == nil {
            throw .malformedRedirectURI
        }
        return Client(
            id: ClientID(clientID), name: clientName, authentication: authentication, redirectURIs: uris,
            grantTypes: Set(grantTypes.map(GrantType.init(rawValue:))), allowedScopes: scopes,
            requiresPKCE: requirePKCE ?? false, resourceServer: resourceServer ?? false,
            requiresPushedAuthorizationRequests: requirePushedAuthorizationRequests ?? false,
            postLogoutRedirectURIs: logoutURIs, backchannelLogoutURI: backchannelLogoutURI,
            backchannelLogoutSessionRequired: backchannelLogoutSessionRequired ?? false)
    }
}

extension InMemoryClientStore {
    /// Clients from JSON: either an array of registrations or an object with a `clients` array.
    /// Pass the server's own `secretHasher`, so that secrets hash the way they are verified.
    /// - Throws: a `DecodingError` for malformed JSON, `ClientRegistration.Problem` for a bad client.
    public convenience init(json: Data, hashingWith hasher: any SecretHasher) throws {
        struct File: Decodable { var clients: [ClientRegistration] }
        let registrations: [ClientRegistration]
        if let file = try? JSONDecoder().decode(File.self, from: json) {
            registrations = file.clients
        } else {
            registrations = try JSONDecoder().decode([ClientRegistration].self, from: json)
        }
        self.init(try registrations.map { registration in try registration.client(hashingWith: hasher) })
    }
}
