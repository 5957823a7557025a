/// The one place that turns an `OAuthError` into what goes on the wire: JSON bodies
/// (RFC 6749 §5.2), `WWW-Authenticate` challenges (RFC 6749 §5.2, RFC 6750 §3) and
/// redirect parameters (RFC 6749 §4.1.2.1, §4.2.2.1).
extension OAuthError {
    /// The JSON error body of the token, revocation and introspection endpoints.
    var jsonBody: [UInt8] {
        var json = JSONWriter(capacity: 96)
        json.field("error", code)
        json.field("error_description", description)
        return json.finish()
    }

    /// An error from the token, revocation or introspection endpoint (RFC 6749 §5.2): 400, or
    /// 401 with a `Basic` challenge. Every 401 carries one (RFC 9110 §15.5.2), also when the
    /// client used the body or nothing: Basic is the one scheme these endpoints take in a header.
    public var tokenEndpointResponse: OAuthResponse {
        var response = OAuthResponse.json(jsonBody, status: status)
        if case .invalidClient = self {
            response.headers.append("WWW-Authenticate", #"Basic realm="token", charset="UTF-8""#)
        }
        if case .useDPoPNonce(let nonce) = self { response.headers.append("DPoP-Nonce", nonce) }
        return response
    }

    /// A body the host refused for its size, at any endpoint that answers JSON: 413 with the
    /// RFC 6749 §5.2 error shape (`invalid_request`), never an empty body (RFC 9110 §15.5.14).
    public static var contentTooLargeResponse: OAuthResponse {
        OAuthResponse.json(OAuthError.invalidRequest("the request body is too large").jsonBody, status: 413)
    }

    /// A token endpoint request with a method other than POST (RFC 6749 §3.2): 405 with `Allow`.
    static func methodNotAllowed(allow methods: [OAuthRequest.Method]) -> OAuthResponse {
        let allow = methods.map(\.rawValue).joined(separator: ", ")
        var response = OAuthResponse.json(
            OAuthError.invalidRequest("the endpoint accepts \(allow) only").jsonBody, status: 405)
        response.headers.append("Allow", allow)
        return response
    }

    /// What every challenge of one guard carries (RFC 6750 §3; RFC 9728 §5.1).
    struct Challenge: Sendable {
        /// `realm` (RFC 6750 §3), optional: nil leaves it out.
        var realm: String?
        /// `resource_metadata`: the URL of the guarded resource's metadata (RFC 9728 §5.1).
        var resourceMetadata: String?
        /// `scope` on a 401 (RFC 6750 §3): what a client should ask for to be let in; empty
        /// leaves it out. A 403 names the scope its error needs instead.
        var scope: ScopeSet = .empty
    }

    /// A protected resource's refusal (RFC 6750 §3): 401 `invalid_token`, 403
    /// `insufficient_scope` with the needed `scope`, 400 `invalid_request`; with no credentials
    /// at all (`self == nil`) a bare challenge without an error code (§3.1).
    static func bearerChallengeResponse(_ error: OAuthError?, realm: String) -> OAuthResponse {
        bearerChallengeResponse(error, Challenge(realm: realm))
    }

    static func bearerChallengeResponse(_ error: OAuthError?, _ parameters: Challenge) -> OAuthResponse {
        challengeResponse(scheme: "Bearer", error, parameters)
    }

    /// A refusal with one challenge of `scheme` (`Bearer`, RFC 6750 §3; or `DPoP` alone, RFC
    /// 9449 §7.1, with `algs` first), carrying the challenge parameters and the error.
    static func challengeResponse(
        scheme: String, _ error: OAuthError?, _ parameters: Challenge, algorithms: [JWSAlgorithm]? = nil
    ) -> OAuthResponse {
        // RFC 6750 §3: auth-params after the scheme, comma-separated; every one is optional.
        var challenge = scheme
        var separator = " "
        func append(_ name: String, _ value: String) {
            challenge += separator + name + #"=""# + value + #"""#
            separator = ", "
        }
        if let algorithms { append("algs", algorithms.map(\.rawValue).joined(separator: " ")) }
        if let realm = parameters.realm { append("realm", realm) }
        if let url = parameters.resourceMetadata { append("resource_metadata", url) }
        let namesScope = !parameters.scope.isEmpty && error.map { $0.status == 401 } ?? true
        if namesScope { append("scope", parameters.scope.description) }
        guard let error else {
            return OAuthResponse(
                status: 401,
                headers: ["WWW-Authenticate": challenge, "Cache-Control": "no-store", "Pragma": "no-cache"])
        }
        append("error", error.code)
        if let description = error.description { append("error_description", description) }
        var json = JSONWriter(capacity: 128)
        json.field("error", error.code)
        json.field("error_description", error.description)
        if case .insufficientScope(let required) = error {
            append("scope", required.description)
            json.field("scope", required.description)
        }
        var response = resourceRefusal(error, body: json.finish())
        response.headers.append("WWW-Authenticate", challenge)
        return response
    }

    /// A protected resource's refusal with `error` in its body: a DPoP proof it cannot accept,
    /// or one without its nonce, is a 401 (RFC 9449 §7.1), and `use_dpop_nonce` carries the
    /// nonce in `DPoP-Nonce` (§9).
    static func resourceRefusal(_ error: OAuthError, body: [UInt8]) -> OAuthResponse {
        let status: Int
        switch error {
        case .invalidDPoPProof, .useDPoPNonce: status = 401
        default: status = error.status
        }
        var response = OAuthResponse.json(body, status: status)
        if case .useDPoPNonce(let nonce) = error { response.headers.append("DPoP-Nonce", nonce) }
        return response
    }

    /// An error from the registration or client configuration endpoint (RFC 7591 §3.2.2;
    /// RFC 7592 §2): a JSON body, 400 for bad metadata; a bad registration or initial access
    /// token is a Bearer challenge (RFC 6750 §3), a bare one when none was sent.
    static func registrationResponse(_ error: OAuthError?, bearer: Bool) -> OAuthResponse {
        guard bearer, error != .serverError else {
            return OAuthResponse.json((error ?? .serverError).jsonBody, status: (error ?? .serverError).status)
        }
        return bearerChallengeResponse(error, Challenge(realm: nil, resourceMetadata: nil))
    }

    /// A registration the host's policy refused (`RegistrationDecision.deny`, or closed
    /// registration): 403 with `access_denied` (RFC 6749 §4.1.2.1's code; RFC 7591 leaves it open).
    static var registrationRefusedResponse: OAuthResponse {
        OAuthResponse.json(OAuthError.accessDenied.jsonBody, status: 403)
    }

    /// The parameters of an error sent to the client's redirect URI (RFC 6749 §4.1.2.1).
    var redirectParameters: [(String, String?)] {
        [("error", code), ("error_description", description)]
    }
}
