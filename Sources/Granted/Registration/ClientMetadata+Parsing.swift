/// Reading a registration request's JSON (RFC 7591 §2, §3.1) into checked `ClientMetadata`.
extension ClientMetadata {
    /// Parses and validates a client metadata document, filling in the §2 defaults. Members
    /// Granted does not know are ignored (§2), and `null` counts as absent (RFC 7592 §2.2).
    /// - Throws: `invalidRedirectURI` or `invalidClientMetadata` (§3.2.2); `invalidRequest` for a
    ///   body that is not a JSON object.
    public init(json bytes: [UInt8], policy: Policy) throws(OAuthError) {
        try self.init(members: try Self.members(of: bytes), policy: policy)
    }

    /// The top-level object of a request body, read by `JSONReader`: RFC 8259 alone, so a
    /// trailing comma, a byte order mark or nesting deeper than `JSONReader.maximumDepth` is not
    /// an object here either.
    /// - Throws: `invalidRequest` for anything but a JSON object.
    static func members(of bytes: [UInt8]) throws(OAuthError) -> JSONMembers {
        guard let object = JSONReader.object(bytes) else { throw .invalidRequest("the body must be a JSON object") }
        return JSONMembers(object: object)
    }

    /// - Parameter support: what the server verifies; `.anything` where no server is at hand (a
    ///   store reading back, a host's tool), which checks the rules alone.
    init(members: some MetadataMembers, policy: Policy, support: ServerSupport = .anything) throws(OAuthError) {
        self.init()
        let limit = policy.inputLimits.maxParameters

        // token_endpoint_auth_method (§2): the default is client_secret_basic.
        if let method = try members.string("token_endpoint_auth_method") {
            let parsed = ClientAuthenticationMethod(rawValue: method)
            guard ClientAuthenticationMethod.registrable.contains(parsed) else {
                throw .invalidClientMetadata("token_endpoint_auth_method is not supported")
            }
            tokenEndpointAuthMethod = parsed
        }

        // grant_types and response_types, consistent with each other (§2.1).
        let givenGrants = try members.strings("grant_types", limit: limit)
        let givenResponses = try members.strings("response_types", limit: limit)
        var responses: [ResponseType] = []
        for text in givenResponses ?? [] {
            guard let type = ResponseType(parsing: text) else {
                throw .invalidClientMetadata("response_types names an unsupported response type")
            }
            if !responses.contains(type) { responses.append(type) }
        }
        var grants: [GrantType] = []
        for text in givenGrants ?? [] {
            let grant = GrantType(rawValue: text)
            guard GrantType.supported.contains(grant) else {
                throw .invalidClientMetadata("grant_types names an unsupported grant type")
            }
            if !grants.contains(grant) { grants.append(grant) }
        }
        // An omitted list defaults to what the other one implies, or to §2's defaults.
        if givenGrants == nil {
            grants = givenResponses == nil ? [.authorizationCode] : Self.grants(implying: responses)
        }
        if givenResponses == nil { responses = Self.responses(implying: grants) }
        try Self.checkConsistency(grants: grants, responses: responses)
        grantTypes = grants
        responseTypes = responses
        if tokenEndpointAuthMethod == .none && grants.contains(.clientCredentials) {
            // RFC 6749 §4.4: only confidential clients use the client credentials grant.
            throw .invalidClientMetadata("a public client cannot use the client_credentials grant")
        }

        // redirect_uris (§2; RFC 6749 §3.1.2; RFC 8252 §7.1, §7.3).
        redirectURIs = try members.strings("redirect_uris", limit: limit) ?? []
        if redirectURIs.isEmpty && (grants.contains(.authorizationCode) || grants.contains(.implicit)) {
            throw .invalidRedirectURI("redirect_uris is required for redirect-based grants")
        }
        for uri in redirectURIs where !RedirectURIRules.isAcceptable(uri, policy: policy) {
            throw .invalidRedirectURI(
                "a redirect URI must be https, loopback http or a private-use scheme, without a fragment")
        }

        // jwks / jwks_uri (§2): one or the other; private_key_jwt needs one.
        let jwksURI = try members.string("jwks_uri")
        if members.isPresent("jwks") {
            guard jwksURI == nil else { throw .invalidClientMetadata("jwks and jwks_uri must not both be present") }
            guard let keys = members.publicKeySet("jwks"), !keys.keys.isEmpty else {
                throw .invalidClientMetadata("jwks must be a JWK Set of public keys")
            }
            publicKeys = .jwks(keys)
        } else if let jwksURI {
            guard RedirectURIRules.kind(of: jwksURI) == .https else {
                throw .invalidClientMetadata("jwks_uri must be an https URL")
            }
            publicKeys = .jwksURI(jwksURI)
        }
        if tokenEndpointAuthMethod == .privateKeyJWT && publicKeys == nil {
            throw .invalidClientMetadata("private_key_jwt needs jwks or jwks_uri")
        }
        tokenEndpointAuthSigningAlgorithm = try Self.signingAlgorithm(
            try members.string("token_endpoint_auth_signing_alg"), method: tokenEndpointAuthMethod, support: support)

        // dpop_bound_access_tokens (RFC 9449 §5.2): a promise the server can only keep with DPoP on.
        dpopBoundAccessTokens = try members.bool("dpop_bound_access_tokens")
        if dpopBoundAccessTokens == true && !support.dpop {
            throw .invalidClientMetadata("dpop_bound_access_tokens needs DPoP, which this server does not support")
        }

        // scope (§2): unknown scopes are dropped, as §3.2.1 lets the server replace values; a
        // scope with none left is refused rather than widened to every scope.
        if let text = try members.string("scope") {
            guard let parsed = try? ScopeSet.parse(text) else {
                throw .invalidClientMetadata("scope is malformed")
            }
            let known = parsed.intersection(policy.knownScopes)
            guard !known.isEmpty else { throw .invalidClientMetadata("scope names no scope this server knows") }
            scope = known
        }
        if let replaced = policy.registrationScopes { scope = replaced }

        // Logout URIs (RP-Initiated Logout §3.1; Back-Channel Logout §2.2).
        postLogoutRedirectURIs = try members.strings("post_logout_redirect_uris", limit: limit)
        for uri in postLogoutRedirectURIs ?? [] where !RedirectURIRules.isAcceptable(uri, policy: policy) {
            throw .invalidClientMetadata("a post_logout_redirect_uri is not allowed")
        }
        backchannelLogoutURI = try members.string("backchannel_logout_uri")
        if let uri = backchannelLogoutURI {
            guard RedirectURIRules.kind(of: uri) != .privateUse, RedirectURIRules.isAcceptable(uri, policy: policy)
            else { throw .invalidClientMetadata("backchannel_logout_uri must be https or loopback http") }
            // Back-Channel Logout §2.2: http only for a confidential client.
            guard RedirectURIRules.kind(of: uri) != .http || tokenEndpointAuthMethod != ClientAuthenticationMethod.none
            else { throw .invalidClientMetadata("backchannel_logout_uri must be https for a public client") }
        }
        backchannelLogoutSessionRequired = try members.bool("backchannel_logout_session_required")
        requirePushedAuthorizationRequests = try members.bool("require_pushed_authorization_requests")

        // Descriptive members, kept as given (§2).
        clientName = try members.string("client_name")
        clientURI = try members.string("client_uri")
        logoURI = try members.string("logo_uri")
        tosURI = try members.string("tos_uri")
        policyURI = try members.string("policy_uri")
        contacts = try members.strings("contacts", limit: limit)
        softwareID = try members.string("software_id")
        softwareVersion = try members.string("software_version")
    }

    /// RFC 7591 §2: `jwks` holds the client's public keys. A symmetric (`oct`) key is a shared
    /// secret the server would store in clear and echo on every read; a private member (RFC 7518
    /// §6.2.2, §6.3.2; RFC 8037 §2) leaks the client's own key. Either refuses the whole set, in
    /// any key, even one of a `kty` the parser would skip (§5).
    static func holdsPublicKeysOnly(_ set: JSONObject) -> Bool {
        guard let keys = set["keys"]?.array else { return false }
        for key in keys {
            guard case .object(let members) = key.kind else { return false }
            let key = JSONObject(source: set.source, members: members)
            if key["kty"]?.string == "oct" { return false }
            if JWK.secretMembers.contains(where: { key[$0] != nil }) { return false }
        }
        return true
    }

    /// `token_endpoint_auth_signing_alg` (OpenID Connect Registration 1.0 §2): never `none`; only
    /// for the JWT methods, and one this server verifies for the method: HS256 for
    /// `client_secret_jwt` (RFC 7523 §2.2 under the derived secret), an asymmetric algorithm for
    /// `private_key_jwt` (RFC 8725 §3.1: never a MAC with a public key).
    /// - Throws: `invalidClientMetadata`.
    static func signingAlgorithm(
        _ text: String?, method: ClientAuthenticationMethod, support: ServerSupport
    ) throws(OAuthError) -> JWSAlgorithm? {
        guard let text else { return nil }
        let algorithm = JWSAlgorithm(rawValue: text)
        guard !algorithm.isUnsecured else {
            throw .invalidClientMetadata("token_endpoint_auth_signing_alg must not be none")
        }
        switch method {
        case .clientSecretJWT:
            guard algorithm == .hs256 else {
                throw .invalidClientMetadata("client_secret_jwt assertions are signed with HS256")
            }
        case .privateKeyJWT:
            guard !algorithm.isSymmetric, support.allowsAssertions(signedWith: algorithm) else {
                throw .invalidClientMetadata("token_endpoint_auth_signing_alg is not supported for private_key_jwt")
            }
        default:
            throw .invalidClientMetadata("token_endpoint_auth_signing_alg needs client_secret_jwt or private_key_jwt")
        }
        return algorithm
    }

    /// What a server can do for a client, for the members that depend on it (RFC 7591 §2: a
    /// server refuses metadata it cannot honour).
    struct ServerSupport: Sendable {
        /// The asymmetric algorithms `private_key_jwt` assertions are verified with; nil: any
        /// Granted knows a key type for.
        var assertionAlgorithms: [JWSAlgorithm]?
        /// Whether the token endpoint reads DPoP proofs (RFC 9449 §5).
        var dpop: Bool

        /// No server at hand: the rules alone.
        static let anything = ServerSupport(assertionAlgorithms: nil, dpop: true)

        /// The asymmetric JWS algorithms of RFC 7518 §3.1 and RFC 8037 §3.1.
        static let knownAsymmetric: [JWSAlgorithm] = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512", "EdDSA"].map(JWSAlgorithm.init(rawValue:))

        func allowsAssertions(signedWith algorithm: JWSAlgorithm) -> Bool {
            (assertionAlgorithms ?? Self.knownAsymmetric).contains(algorithm)
        }
    }

    /// §2.1: `code` goes with `authorization_code`, `token` and `id_token` with `implicit`.
    static func checkConsistency(grants: [GrantType], responses: [ResponseType]) throws(OAuthError) {
        let wantsCode = responses.contains { $0.contains(.code) }
        let wantsImplicit = responses.contains { $0.contains(.token) || $0.contains(.idToken) }
        guard wantsCode == grants.contains(.authorizationCode), wantsImplicit == grants.contains(.implicit) else {
            throw .invalidClientMetadata("grant_types and response_types are inconsistent")
        }
    }

    /// The response types the grants imply (§2.1).
    static func responses(implying grants: [GrantType]) -> [ResponseType] {
        var responses: [ResponseType] = []
        if grants.contains(.authorizationCode) { responses.append(.code) }
        if grants.contains(.implicit) { responses.append(.token) }
        return responses
    }

    /// The grant types the response types imply (§2.1).
    static func grants(implying responses: [ResponseType]) -> [GrantType] {
        var grants: [GrantType] = []
        if responses.contains(where: { $0.contains(.code) }) { grants.append(.authorizationCode) }
        if responses.contains(where: { $0.contains(.token) || $0.contains(.idToken) }) { grants.append(.implicit) }
        return grants
    }
}

/// Where `ClientMetadata.init(members:)` reads a registration's members from (RFC 7591 §2): the
/// JSON types it asks for, `null` reading as absent (RFC 7592 §2.2).
protocol MetadataMembers {
    /// Whether `name` is present and not `null`.
    func isPresent(_ name: StaticString) -> Bool
    /// - Throws: `invalidClientMetadata` when present but not a string.
    func string(_ name: StaticString) throws(OAuthError) -> String?
    /// - Throws: `invalidClientMetadata` when present but not an array of at most `limit` strings.
    func strings(_ name: StaticString, limit: Int) throws(OAuthError) -> [String]?
    /// - Throws: `invalidClientMetadata` when present but not a boolean.
    func bool(_ name: StaticString) throws(OAuthError) -> Bool?
    /// The JWK Set (RFC 7517 §5) `name` holds, when it is one of public keys only
    /// (`ClientMetadata.holdsPublicKeysOnly`); nil for anything else, absent included.
    func publicKeySet(_ name: StaticString) -> JWKSet?
}

/// The members of an object `JSONReader` read, with type checks; `null` reads as absent (RFC 7592
/// §2.2). A repeated name answers its last value, as `JSONObject` and `JSONSerialization` do.
struct JSONMembers: MetadataMembers {
    let object: JSONObject

    /// The last member named `name` unless it is `null`. The names asked for are ASCII, so
    /// comparing UTF-8 bytes is `String` equality, without making a `String` of each.
    func value(_ name: StaticString) -> JSONValue? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for member in object.members.reversed() where member.name.utf8.count == wanted.count {
            var candidate = member.name
            guard candidate.withUTF8({ $0.elementsEqual(wanted) }) else { continue }
            if case .null = member.value.kind { return nil }
            return member.value
        }
        return nil
    }

    func isPresent(_ name: StaticString) -> Bool { value(name) != nil }

    func string(_ name: StaticString) throws(OAuthError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value.kind else { throw .invalidClientMetadata("\(name) must be a string") }
        return text
    }

    func strings(_ name: StaticString, limit: Int) throws(OAuthError) -> [String]? {
        guard let value = value(name) else { return nil }
        guard let elements = value.array, elements.count <= limit, let strings = value.strings else {
            throw .invalidClientMetadata("\(name) must be an array of strings")
        }
        return strings
    }

    /// A JSON `true` or `false` only (RFC 8259 §3): a number is no boolean, whatever it is.
    func bool(_ name: StaticString) throws(OAuthError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard case .bool(let flag) = value.kind else { throw .invalidClientMetadata("\(name) must be a boolean") }
        return flag
    }

    /// The set is read from the member's own parsed value, not written out and read again.
    func publicKeySet(_ name: StaticString) -> JWKSet? {
        guard case .object(let members)? = value(name)?.kind else { return nil }
        let set = JSONObject(source: object.source, members: members)
        guard ClientMetadata.holdsPublicKeysOnly(set) else { return nil }
        return try? JWKSet(object: set)
    }
}

extension JSONMembers {
    /// A JSON number with an integral value that fits an `Int`, however spelled (`5`, `5.0`,
    /// `5e0`); a boolean is no number (RFC 8259 §3). A number beyond a `Double`'s precision is
    /// rounded to one first.
    /// - Throws: `invalidClientMetadata` when present but not such a number.
    func integer(_ name: StaticString) throws(OAuthError) -> Int? {
        guard let value = value(name) else { return nil }
        if case .number(let number) = value.kind, let integer = number.integer ?? Int(exactly: number.double) {
            return integer
        }
        throw .invalidClientMetadata("\(name) must be a number")
    }
}
