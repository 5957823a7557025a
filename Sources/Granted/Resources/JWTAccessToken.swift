import Foundation

/// JWT access tokens (RFC 9068) as a resource server checks them: offline, against the
/// authorization server's keys, with no store and no call per request.
public enum JWTAccessToken {
    /// The `typ` header of a JWT access token (§2.1); `application/at+jwt` is the same (§4).
    public static let type = "at+jwt"

    /// What a verified token says (§2.2).
    public struct Claims: Sendable, Hashable {
        /// `sub`: the user, or for an app-only token the client (§2.2).
        public let subject: String
        public let client: ClientID
        /// `scope` (§2.2.3); empty when absent.
        public let scopes: ScopeSet
        public let audience: [String]
        public let expiresAt: Date
        public let issuedAt: Date
        public let jwtID: String
        /// `auth_time` (§2.2.1): present after a user sign-in.
        public let authTime: Date?
        /// `cnf.jkt` (RFC 9449 §6.1; RFC 7800 §3.1): the thumbprint of the key the token is
        /// bound to; nil for a bearer token.
        public var keyThumbprint: String? = nil
    }

    /// `cnf` with `jkt` (RFC 9449 §6.1): `{"jkt":"…"}`.
    static func confirmationClaim(_ thumbprint: String) -> JWTClaims.ExtraClaim {
        var json = JSONWriter(capacity: 64)
        json.field("jkt", thumbprint)
        return JWTClaims.ExtraClaim(name: "cnf", json: json.finish())
            ?? JWTClaims.ExtraClaim(name: "cnf", string: thumbprint)
    }

    /// The `jkt` of a `cnf` claim; nil when absent. - Throws: `malformedClaims` for a `cnf`
    /// that is not an object with a string `jkt`.
    static func keyThumbprint(in claims: JWTClaims) throws(Rejection) -> String? {
        guard let confirmation = claims.extraClaims.last(where: { $0.name == "cnf" }) else { return nil }
        guard let object = JSONReader.object(confirmation.json), let jkt = object["jkt"]?.string, !jkt.isEmpty
        else { throw .malformedClaims }
        return jkt
    }

    /// Why a token was refused (§4). Nothing of a refused token may be trusted.
    public enum Rejection: Error, Sendable, Hashable {
        /// Not a compact JWS, `alg` none, or a signature no key of the allowed ones verifies.
        case unverified
        /// The header names a `kid` no verifier has: the host may fetch the JWKS again (a key
        /// rotation) and retry once.
        case unknownKey(String)
        /// `typ` is not `at+jwt` (§4 step 1), e.g. an ID token presented as an access token.
        case wrongType
        /// A claim of §2.2 is missing or mistyped.
        case malformedClaims
        /// `iss` is not the expected issuer (§4 step 3).
        case wrongIssuer
        /// `aud` does not contain this resource (§4 step 4).
        case wrongAudience
        /// `exp` has passed, beyond the leeway (§4 step 7).
        case expired
        /// `iat` or `nbf` is in the future beyond the leeway.
        case notYetValid
    }

    /// Checks JWT access tokens for one resource (§4).
    public struct Verifier: Sendable {
        /// The authorization server's issuer identifier, compared exactly (§4 step 3).
        public let issuer: String
        /// The resource this server is; `aud` must contain it (§4 step 4).
        public let resource: ResourceIdentifier
        /// The keys, each bound to the one algorithm it verifies (RFC 8725 §3.1): the allow-list.
        /// Built by the host from the JWKS (RFC 7517) it fetched from the issuer's metadata.
        public var verifiers: [any SignatureVerifier]
        /// Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds.
        public var leeway: TimeInterval

        public init(
            issuer: String, resource: ResourceIdentifier, verifiers: [any SignatureVerifier], leeway: TimeInterval = 5
        ) {
            self.issuer = issuer
            self.resource = resource
            self.verifiers = verifiers
            self.leeway = leeway.isFinite ? max(0, leeway) : 0
        }

        /// Validates `token` (§4): the `typ`, the signature with a key whose algorithm the header
        /// names (never `none`, never a key's other algorithm), `iss`, `aud`, `exp`, then the claims.
        /// - Throws: `Rejection`.
        public func verify(_ token: String, now: Date) throws(Rejection) -> Claims {
            guard let parsed = JWS.parse(token) else { throw .unverified }
            // §4 step 1, before any key is tried: an ID token or another JWT is not an access token.
            guard let type = parsed.header.type,
                ASCII.caseInsensitiveEquals(type.utf8, Self.typeValue.utf8)
                    || ASCII.caseInsensitiveEquals(type.utf8, ("application/" + Self.typeValue).utf8)
            else { throw .wrongType }
            let algorithm = parsed.header.algorithm
            guard !algorithm.isUnsecured, !parsed.signature.isEmpty else { throw .unverified }
            // The keys for the header's algorithm; with a `kid`, those of that ID, or when no key
            // at all has it, those without an ID (a JWKS may leave `kid` out, RFC 7517 §4.5).
            var wantedKeyID: String?? = .none
            if let keyID = parsed.header.keyID {
                if verifiers.contains(where: { $0.keyID == keyID }) {
                    wantedKeyID = .some(keyID)
                } else {
                    guard verifiers.contains(where: { $0.algorithm == algorithm && $0.keyID == nil }) else {
                        throw .unknownKey(keyID)
                    }
                    wantedKeyID = .some(nil)
                }
            }
            guard
                verifiers.contains(where: { verifier in
                    verifier.algorithm == algorithm && (wantedKeyID.map { verifier.keyID == $0 } ?? true)
                        && verifier.verify(parsed.signature, for: parsed.signingInput)
                })
            else { throw .unverified }
            guard let claims = JWTClaims(json: parsed.payload) else { throw .malformedClaims }
            return try check(claims, now: now)
        }

        private static let typeValue = JWTAccessToken.type

        private func check(_ claims: JWTClaims, now: Date) throws(Rejection) -> Claims {
            guard claims.issuer == issuer else { throw .wrongIssuer }
            guard claims.audience.contains(resource.rawValue) else { throw .wrongAudience }
            guard let expiresAt = claims.expiresAt, let issuedAt = claims.issuedAt, let subject = claims.subject,
                let jwtID = claims.jwtID,
                let client = claims.extraClaims.first(where: { $0.name == "client_id" })?.stringValue
            else { throw .malformedClaims }
            let seconds = now.timeIntervalSince1970
            guard expiresAt.timeIntervalSince1970 > seconds - leeway else { throw .expired }
            guard issuedAt.timeIntervalSince1970 <= seconds + leeway else { throw .notYetValid }
            if let notBefore = claims.notBefore, notBefore.timeIntervalSince1970 > seconds + leeway {
                throw .notYetValid
            }
            var scopes = ScopeSet.empty
            if let scope = claims.extraClaims.first(where: { $0.name == "scope" }) {
                guard let text = scope.stringValue else { throw .malformedClaims }
                if !text.isEmpty {
                    do { scopes = try ScopeSet.parse(text) } catch { throw .malformedClaims }
                }
            }
            return Claims(
                subject: subject, client: ClientID(client), scopes: scopes, audience: claims.audience,
                expiresAt: expiresAt, issuedAt: issuedAt, jwtID: jwtID, authTime: claims.authTime,
                keyThumbprint: try JWTAccessToken.keyThumbprint(in: claims))
        }
    }
}
