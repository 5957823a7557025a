import Foundation

/// `Authorization: DPoP` at a protected resource (RFC 9449 §7).
extension ResourceGuard {
    /// Whether the header uses the DPoP scheme (case-insensitive, RFC 9110 §11.1).
    static func isDPoP(_ header: String) -> Bool { scheme(of: header, is: "dpop") }

    /// A DPoP-bound token with its proof (§7.1): the token must be live and bound; the proof,
    /// of this request (`htm`, `htu`), of this token (`ath`), fresh and unused, must be of the
    /// key the token is bound to (§4.3 step 12). Every failure is an error of the DPoP scheme.
    func verifyDPoP(
        _ request: OAuthRequest, header: String, verifier: DPoPVerifier, requiring required: ScopeSet, now: Date
    ) async throws(Refusal) -> AccessGrant {
        let token: String
        do { token = try Self.bearerToken(header, scheme: "dpop") } catch { throw .refusedDPoP(error) }
        let grant: AccessGrant
        do { grant = try await self.grant(for: token, now: now) } catch {
            switch error {
            case .refused(let error), .refusedDPoP(let error): throw .refusedDPoP(error)
            case .anonymous: throw .refusedDPoP(.invalidToken)
            }
        }
        // A bearer token sent under the DPoP scheme proves nothing about its holder's key.
        guard let bound = grant.keyThumbprint else { throw .refusedDPoP(.invalidToken) }
        guard let origin = origin ?? metadata.flatMap({ Self.origin(of: $0.resource.rawValue) }) else {
            throw .refusedDPoP(.serverError)
        }
        let shown: String?
        do {
            shown = try await verifier.verify(request, uri: origin + request.path, accessToken: token, now: now)
        } catch { throw .refusedDPoP(error) }
        guard let shown else { throw .refusedDPoP(.invalidDPoPProof("a DPoP proof is required")) }
        guard shown == bound else { throw .refusedDPoP(.invalidDPoPProof("the DPoP proof is not of the token's key")) }
        let scopes = grant.scopes ?? .empty
        guard required.isSubset(of: scopes) else {
            throw .refusedDPoP(.insufficientScope(required: required.union(scopes)))
        }
        return grant
    }

    /// `scheme://authority` of an absolute URI; nil for anything else.
    static func origin(of uri: String) -> String? {
        guard let schemeEnd = uri.range(of: "://") else { return nil }
        let rest = uri[schemeEnd.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(uri[..<end])
    }
}

extension OAuthError {
    /// A resource's refusal with DPoP on (RFC 9449 §7.1, §7.2): a `Bearer` challenge and a
    /// `DPoP` challenge with `algs` in one `WWW-Authenticate`, the error on the scheme the request
    /// used. DPoP proof errors are 401 here (§7.1), and `use_dpop_nonce` carries `DPoP-Nonce` (§9).
    static func resourceChallengeResponse(
        _ error: OAuthError?, _ parameters: Challenge, dpopAlgorithms: [JWSAlgorithm], errorOnDPoP: Bool
    ) -> OAuthResponse {
        var response = bearerChallengeResponse(errorOnDPoP ? nil : error, parameters)
        let bearer = response.headers["www-authenticate"] ?? "Bearer"
        var dpop = #"DPoP algs=""# + dpopAlgorithms.map(\.rawValue).joined(separator: " ") + #"""#
        if errorOnDPoP, let error {
            dpop += #", error=""# + error.code + #"""#
            if let description = error.description { dpop += #", error_description=""# + description + #"""# }
            if case .insufficientScope(let required) = error { dpop += #", scope=""# + required.description + #"""# }
            response = resourceRefusal(error, body: error.jsonBody)
        }
        response.headers.set("WWW-Authenticate", bearer + ", " + dpop)
        return response
    }
}
