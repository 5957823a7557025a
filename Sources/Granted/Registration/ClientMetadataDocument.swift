/// A client's own description of itself, served at its `client_id` (draft-ietf-oauth-client-id-metadata-document
/// §4): RFC 7591 §2 metadata, read strictly. Granted accepts public clients only: a document
/// cannot carry a shared secret (§4.1), and the engine does not verify `private_key_jwt`
/// assertions, which §8.2 would then require.
public struct ClientMetadataDocument: Sendable, Hashable {
    public let clientID: ClientIdentifierURL
    public let clientName: String?
    public let redirectURIs: [String]
    public let grantTypes: Set<GrantType>
    public let scope: ScopeSet?

    /// The longest document read (§8.7 recommends 5 kilobytes).
    public static let defaultSizeLimit = 5 * 1024

    /// Why a fetched document does not describe a client Granted accepts. Names the rule, never
    /// the offending value: it is the client's text, and hosts log these.
    public enum Problem: Error, Sendable, Hashable {
        /// A status other than 200 (§5).
        case status(Int)
        /// Longer than the limit (§8.7).
        case tooLarge
        /// Not a JSON object (§4, RFC 8259).
        case notAJSONObject
        /// `client_id` missing, or not exactly the URL it was fetched from (§4, RFC 3986 §6.2.1).
        case clientIDMismatch
        /// `client_secret` or `client_secret_expires_at` present (§4.1).
        case secretPresent
        /// A `token_endpoint_auth_method` based on a shared secret (§4.1).
        case sharedSecretMethod
        /// Any other method than `none`: Granted cannot authenticate it (§8.2).
        case unsupportedAuthenticationMethod
        /// A private key member in `jwks` (§4.1).
        case privateKeyMaterial
        /// No `redirect_uris`, or one that is not an absolute `https`, `http` or private-use URI
        /// without a fragment (§4.2; RFC 6749 §3.1.2; RFC 8252 §7.1).
        case invalidRedirectURI
        /// A grant type other than `authorization_code` and `refresh_token`, or a response type
        /// other than `code`: what a public client with redirect URIs may use (RFC 9700 §2.1.2).
        case unsupportedGrantType
        /// A `scope` that is not space-delimited scope tokens (RFC 6749 §3.3).
        case malformedScope
        /// A member of the wrong JSON type.
        case malformedMember(String)
    }

    /// Validates what the source fetched from `url`.
    /// - Throws: `Problem` for anything the draft or Granted refuses; nothing is guessed.
    public init(
        _ fetched: FetchedClientMetadataDocument, from url: ClientIdentifierURL, sizeLimit: Int = defaultSizeLimit
    ) throws(Problem) {
        guard fetched.status == 200 else { throw .status(fetched.status) }
        guard fetched.body.count <= sizeLimit else { throw .tooLarge }
        try self.init(json: fetched.body, from: url)
    }

    /// Validates a document's JSON, read by `JSONReader` (RFC 8259 alone). Here `null` is not
    /// absent: a `client_secret` sent as null is still a secret member, a string member sent as
    /// null is malformed. A repeated member name answers its last value.
    /// - Throws: `Problem`.
    public init(json: [UInt8], from url: ClientIdentifierURL) throws(Problem) {
        guard let object = JSONReader.object(json) else { throw .notAJSONObject }
        guard let clientID = object["client_id"]?.string, clientID == url.rawValue else {
            throw .clientIDMismatch
        }
        guard object["client_secret"] == nil, object["client_secret_expires_at"] == nil else {
            throw .secretPresent
        }
        let method = try Self.string("token_endpoint_auth_method", in: object) ?? "none"
        switch method {
        case "none": break
        case "client_secret_basic", "client_secret_post", "client_secret_jwt": throw .sharedSecretMethod
        default: throw .unsupportedAuthenticationMethod
        }
        if object["jwks"] != nil {
            guard let set = object.object("jwks"), let keys = set["keys"]?.array else { throw .malformedMember("jwks") }
            for key in keys {
                guard case .object(let members) = key.kind else { throw .malformedMember("jwks") }
                let key = JSONObject(source: object.source, members: members)
                // `k` is a symmetric key, a shared secret by another name.
                if JWK.secretMembers.contains(where: { key[$0] != nil }) { throw .privateKeyMaterial }
            }
        }
        guard let redirectURIs = try Self.strings("redirect_uris", in: object), !redirectURIs.isEmpty,
            redirectURIs.allSatisfy({ RedirectURIRules.kind(of: $0) != nil })
        else { throw .invalidRedirectURI }
        // RFC 7591 §2: grant_types defaults to authorization_code, response_types to code.
        let grantTypes = try Self.strings("grant_types", in: object) ?? [GrantType.authorizationCode.rawValue]
        let allowedGrants: Set<String> = [GrantType.authorizationCode.rawValue, GrantType.refreshToken.rawValue]
        guard grantTypes.contains(GrantType.authorizationCode.rawValue), grantTypes.allSatisfy(allowedGrants.contains)
        else { throw .unsupportedGrantType }
        let responseTypes = try Self.strings("response_types", in: object) ?? ["code"]
        guard responseTypes.allSatisfy({ $0 == "code" }) else { throw .unsupportedGrantType }
        var scope: ScopeSet?
        if let text = try Self.string("scope", in: object) {
            do { scope = try ScopeSet.parse(text) } catch { throw .malformedScope }
        }
        self.clientID = url
        self.clientName = try Self.string("client_name", in: object)
        self.redirectURIs = redirectURIs
        self.grantTypes = Set(grantTypes.map(GrantType.init(rawValue:)))
        self.scope = scope
    }

    /// The client it describes: public (`none`), PKCE on every code request, and named by its
    /// `client_name`, else by its URL's host (§8.5: the user should see which site it is).
    public var client: Client {
        Client(
            id: clientID.clientID, name: clientName ?? clientID.host, authentication: .none,
            redirectURIs: redirectURIs, grantTypes: grantTypes, allowedScopes: scope, requiresPKCE: true)
    }

    private static func string(_ name: String, in object: JSONObject) throws(Problem) -> String? {
        guard let value = object[name] else { return nil }
        guard let text = value.string else { throw .malformedMember(name) }
        return text
    }

    private static func strings(_ name: String, in object: JSONObject) throws(Problem) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let texts = value.strings else { throw .malformedMember(name) }
        return texts
    }
}
