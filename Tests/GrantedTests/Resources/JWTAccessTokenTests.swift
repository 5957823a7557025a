import Foundation
import Testing
@_spi(Benchmarks) @testable import Granted
import GrantedTesting

/// JWT access tokens (RFC 9068) for a resource that wants them, and the offline verifier a
/// resource server runs on them (§4).
@Suite("JWT access tokens (RFC 9068)")
struct JWTAccessTokenTests {
    static let verifier = JWTAccessToken.Verifier(
        issuer: TestServer.issuer, resource: ResourceFlow.tools, verifiers: [ResourceFlow.signer])

    /// The header and claims of a compact JWS, as JSON objects.
    static func decode(_ token: String) throws -> (header: [String: Any], claims: [String: Any]) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3, "not a compact JWS: \(token.prefix(40))")
        func object(_ part: Substring) throws -> [String: Any] {
            let bytes = try #require(Base64URL.decode(String(part)))
            return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        }
        return (try object(parts[0]), try object(parts[1]))
    }

    /// A token signed with the test key, from a header and claims given as JSON text.
    static func forge(header: String, claims: String, signer: HS256Signer = ResourceFlow.signer) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        return input + "." + Base64URL.encode(signer.sign(Array(input.utf8)))
    }

    static func claims(
        iss: String = TestServer.issuer, aud: String = ResourceFlow.tools.rawValue, exp: Int = 1_700_000_060,
        iat: Int = 1_700_000_000
    ) -> String {
        #"{"iss":"\#(iss)","sub":"alice","aud":"\#(aud)","exp":\#(exp),"iat":\#(iat),"jti":"j1","client_id":"web-app","scope":"public"}"#
    }

    // MARK: issuance (§2)

    @Test("§2.1, §2.2: an app-only token for a JWT resource: typ at+jwt, a key of the JWKS, the required claims, sub = the client")
    func appOnlyToken() async throws {
        let flow = ResourceFlow()
        let tokens = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "public", resources: [ResourceFlow.tools.rawValue]))
        let (header, claims) = try Self.decode(tokens.accessToken)
        #expect(header["typ"] as? String == "at+jwt")
        #expect(header["alg"] as? String == "HS256")
        #expect(header["kid"] as? String == ResourceFlow.keyID)
        #expect(claims["iss"] as? String == TestServer.issuer)
        #expect(claims["aud"] as? String == ResourceFlow.tools.rawValue || claims["aud"] as? [String] == [ResourceFlow.tools.rawValue])
        #expect(claims["sub"] as? String == "service")
        #expect(claims["client_id"] as? String == "service")
        #expect(claims["scope"] as? String == "public")
        #expect(claims["auth_time"] == nil, "no sign-in, no auth_time (§2.2.1)")
        let issuedAt = try #require(claims["iat"] as? Int)
        #expect(issuedAt == Int(TestServer.start.timeIntervalSince1970))
        #expect(claims["exp"] as? Int == issuedAt + (tokens.expiresIn ?? -1))
        #expect((claims["jti"] as? String)?.isEmpty == false)
    }

    @Test("§2.2.1: a token issued after a sign-in has the user as sub and auth_time")
    func userToken() async throws {
        let flow = ResourceFlow()
        let code = try await flow.code(scope: "public", resources: [ResourceFlow.tools.rawValue])
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        let (_, claims) = try Self.decode(tokens.accessToken)
        #expect(claims["sub"] as? String == "alice")
        #expect(claims["client_id"] as? String == CodeFlow.web.clientID.rawValue)
        #expect(claims["auth_time"] is Int)
        let verified = try Self.verifier.verify(tokens.accessToken, now: TestServer.start)
        #expect(verified.subject == "alice")
        #expect(verified.authTime != nil)
        #expect(verified.scopes == [.public])
    }

    @Test("jti is unique per token, so two tokens never share a digest")
    func uniqueJWTIDs() async throws {
        let flow = ResourceFlow()
        var seen: Set<String> = []
        for _ in 0..<20 {
            let token = try CodeFlow.Tokens(
                await flow.clientCredentials(scope: "public", resources: [ResourceFlow.tools.rawValue])).accessToken
            let (_, claims) = try Self.decode(token)
            #expect(seen.insert(try #require(claims["jti"] as? String)).inserted)
        }
        #expect(flow.store.accessTokenCount == 20)
    }

    @Test("a JWT access token is recorded by digest: introspection sees it with aud, revocation kills it")
    func recordedByDigest() async throws {
        let flow = ResourceFlow()
        let token = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "public", resources: [ResourceFlow.tools.rawValue])).accessToken
        #expect(try await flow.record(token).audience == [ResourceFlow.tools])
        #expect(try await flow.introspectedAudience(token, as: .service) == [ResourceFlow.tools.rawValue])
        #expect(await flow.check(token, at: ResourceFlow.tools).grant != nil)
        #expect(await flow.check(token, at: ResourceFlow.api).grant == nil)

        let revoked = await flow.server.revoke(
            RevocationFlow.request("/revoke", [("token", token)], as: .service))
        #expect(revoked.status == 200)
        let after = try await flow.server.introspect(
            RequestBuilder.form("/introspect", [("token", token)], as: .service)).jsonObject()
        #expect(after["active"] as? Bool == false)
        #expect(await flow.check(token, at: ResourceFlow.tools).grant == nil)
    }

    @Test("§2.2: exp is required, so a policy without access-token expiry still gives JWTs the fallback lifetime")
    func fallbackLifetime() async throws {
        var policy = ResourceFlow.policy
        policy.accessTokenLifetime = nil
        let flow = ResourceFlow(policy: policy)
        let tokens = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "public", resources: [ResourceFlow.tools.rawValue]))
        let (_, claims) = try Self.decode(tokens.accessToken)
        let lifetime = Int(Issuer.jwtAccessTokenFallbackLifetime)
        #expect(claims["exp"] as? Int == Int(TestServer.start.timeIntervalSince1970) + lifetime)
        #expect(tokens.expiresIn == lifetime)
        #expect(try await flow.record(tokens.accessToken).expiresAt == TestServer.start + Double(lifetime))
        // An opaque token of the same policy still lives until revoked.
        let opaque = try CodeFlow.Tokens(await flow.clientCredentials(scope: "public"))
        #expect(opaque.expiresIn == nil)
    }

    @Test("a token for an opaque resource and a JWT resource together is a JWT, for both audiences")
    func mixedAudience() async throws {
        let flow = ResourceFlow()
        let code = try await flow.code(
            scope: "public", resources: [ResourceFlow.api.rawValue, ResourceFlow.tools.rawValue])
        let token = try CodeFlow.Tokens(await flow.exchange(code)).accessToken
        let (_, claims) = try Self.decode(token)
        #expect(Set(claims["aud"] as? [String] ?? []) == [ResourceFlow.api.rawValue, ResourceFlow.tools.rawValue])
        #expect(try Self.verifier.verify(token, now: TestServer.start).audience.contains(ResourceFlow.tools.rawValue))
    }

    // MARK: the verifier (§4)

    @Test("§4: the verifier accepts what the server issued, within the leeway of its exp")
    func verifierAccepts() async throws {
        let flow = ResourceFlow()
        let tokens = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "public", resources: [ResourceFlow.tools.rawValue]))
        let claims = try Self.verifier.verify(tokens.accessToken, now: TestServer.start)
        #expect(claims.subject == "service")
        #expect(claims.client == "service")
        #expect(claims.audience == [ResourceFlow.tools.rawValue])
        let exp = claims.expiresAt
        #expect((try? Self.verifier.verify(tokens.accessToken, now: exp + 4)) != nil, "inside the 5 s leeway")
        #expect(throws: JWTAccessToken.Rejection.expired) { try Self.verifier.verify(tokens.accessToken, now: exp + 5) }
    }

    enum Forgery: String, CaseIterable, Sendable {
        case idToken, applicationType, otherIssuer, otherAudience, expired, future, algNone, unknownKey,
            otherKey, otherAlgorithm, tamperedPayload, noClientID, notAJWS
    }

    @Test("§4: each token the verifier must refuse, with the reason", arguments: Forgery.allCases)
    func verifierRefuses(_ forgery: Forgery) throws {
        let now = TestServer.start
        let kid = ResourceFlow.keyID
        let header = #"{"alg":"HS256","typ":"at+jwt","kid":"\#(kid)"}"#
        let token: String
        let expected: JWTAccessToken.Rejection?
        switch forgery {
        case .idToken:
            // An ID token (typ JWT) of the same issuer and key: §4 step 1 refuses it as an access token.
            token = Self.forge(header: #"{"alg":"HS256","typ":"JWT","kid":"\#(kid)"}"#, claims: Self.claims())
            expected = .wrongType
        case .applicationType:
            // §4: `application/at+jwt` is the same type; accepted.
            token = Self.forge(header: #"{"alg":"HS256","typ":"application/at+jwt","kid":"\#(kid)"}"#, claims: Self.claims())
            expected = nil
        case .otherIssuer:
            token = Self.forge(header: header, claims: Self.claims(iss: "https://evil.example"))
            expected = .wrongIssuer
        case .otherAudience:
            token = Self.forge(header: header, claims: Self.claims(aud: ResourceFlow.api.rawValue))
            expected = .wrongAudience
        case .expired:
            token = Self.forge(header: header, claims: Self.claims(exp: 1_699_999_990, iat: 1_699_999_000))
            expected = .expired
        case .future:
            token = Self.forge(header: header, claims: Self.claims(exp: 1_700_000_600, iat: 1_700_000_060))
            expected = .notYetValid
        case .algNone:
            token = Base64URL.encode(Array(#"{"alg":"none","typ":"at+jwt"}"#.utf8)) + "."
                + Base64URL.encode(Array(Self.claims().utf8)) + "."
            expected = .unverified
        case .unknownKey:
            token = Self.forge(header: #"{"alg":"HS256","typ":"at+jwt","kid":"rotated-away"}"#, claims: Self.claims())
            expected = .unknownKey("rotated-away")
        case .otherKey:
            let other = try HS256Signer(key: Array("another-key-another-key-another-key!".utf8), keyID: kid)
            token = Self.forge(header: header, claims: Self.claims(), signer: other)
            expected = .unverified
        case .otherAlgorithm:
            // The key verifies HS256 only (RFC 8725 §3.1): a header naming RS256 finds no key.
            token = Self.forge(header: #"{"alg":"RS256","typ":"at+jwt","kid":"\#(kid)"}"#, claims: Self.claims())
            expected = .unverified
        case .tamperedPayload:
            let good = Self.forge(header: header, claims: Self.claims())
            let parts = good.split(separator: ".")
            token = parts[0] + "." + Base64URL.encode(Array(Self.claims(aud: ResourceFlow.tools.rawValue + "x").utf8))
                + "." + parts[2]
            expected = .unverified
        case .noClientID:
            token = Self.forge(
                header: header,
                claims: #"{"iss":"\#(TestServer.issuer)","sub":"a","aud":"\#(ResourceFlow.tools.rawValue)","exp":1700000060,"iat":1700000000,"jti":"j"}"#)
            expected = .malformedClaims
        case .notAJWS:
            token = "gat_opaque-token-value"
            expected = .unverified
        }
        do {
            let claims = try Self.verifier.verify(token, now: now)
            #expect(expected == nil, "accepted \(forgery): \(claims)")
        } catch {
            #expect(error == expected)
        }
    }

    /// A key that accepts every signature: whichever token it is tried on passes, so a test
    /// that expects a refusal fails if the verifier ever tries it.
    struct AcceptingKey: SignatureVerifier {
        let algorithm: JWSAlgorithm
        let keyID: String?
        func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool { true }
    }

    @Test(
        "RFC 8725 §3.1, RFC 7515 §4.1.4: only keys of the header's algorithm and kid are tried; keys without an ID when none has the kid",
        arguments: [
            // (header kid, the keys beside the real HS256 key "\(ResourceFlow.keyID)", expected)
            (nil, [AcceptingKey(algorithm: .rs256, keyID: nil)], .unverified),
            (nil, [AcceptingKey(algorithm: .hs256, keyID: "k9")], nil),
            ("k2", [AcceptingKey(algorithm: .hs256, keyID: "k2")], nil),
            ("k2", [AcceptingKey(algorithm: .rs256, keyID: "k2")], .unverified),
            ("k2", [AcceptingKey(algorithm: .hs256, keyID: nil)], nil),
            ("k2", [AcceptingKey(algorithm: .rs256, keyID: nil)], .unknownKey("k2")),
            ("k2", [AcceptingKey(algorithm: .hs256, keyID: "k3")], .unknownKey("k2")),
            ("k2", [AcceptingKey(algorithm: .hs256, keyID: nil), AcceptingKey(algorithm: .rs256, keyID: "k2")], .unverified),
        ] as [(String?, [AcceptingKey], JWTAccessToken.Rejection?)])
    func keySelection(kid: String?, others: [AcceptingKey], expected: JWTAccessToken.Rejection?) throws {
        // Signed by a key the verifier does not have: only an accepting key can pass it.
        let stranger = try HS256Signer(key: Array("a-key-no-verifier-holds-a-key-no!".utf8))
        let header = kid.map { #"{"alg":"HS256","typ":"at+jwt","kid":"\#($0)"}"# } ?? #"{"alg":"HS256","typ":"at+jwt"}"#
        let token = Self.forge(header: header, claims: Self.claims(), signer: stranger)
        let verifier = JWTAccessToken.Verifier(
            issuer: TestServer.issuer, resource: ResourceFlow.tools, verifiers: [ResourceFlow.signer] + others)
        do {
            _ = try verifier.verify(token, now: TestServer.start)
            #expect(expected == nil)
        } catch {
            #expect(error == expected)
        }
    }

    // MARK: protected resource metadata (RFC 9728)

    @Test(
        "RFC 9728 §3.1: the metadata URL inserts the well-known suffix between host and path",
        arguments: [
            ("https://resource.example.com/resource1", "https://resource.example.com/.well-known/oauth-protected-resource/resource1"),
            ("https://resource.example.com", "https://resource.example.com/.well-known/oauth-protected-resource"),
            ("https://resource.example.com/", "https://resource.example.com/.well-known/oauth-protected-resource"),
            ("https://tools.example.com/mcp", "https://tools.example.com/.well-known/oauth-protected-resource/mcp"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/.well-known/oauth-protected-resource"),
            ("https://r.example/v1?tenant=7", "https://r.example/.well-known/oauth-protected-resource/v1?tenant=7"),
        ])
    func metadataURL(resource: String, url: String) throws {
        let identifier = try #require(ResourceIdentifier(rawValue: resource))
        #expect(ProtectedResourceMetadata.url(for: identifier) == url)
    }

    @Test("RFC 9728 §3.2: the document names the resource, its servers and how to send a token")
    func metadataDocument() throws {
        let metadata = ProtectedResourceMetadata(
            resource: ResourceFlow.tools, authorizationServers: [TestServer.issuer],
            scopesSupported: [.public, "message.send"])
        #expect(metadata.path == "/.well-known/oauth-protected-resource/mcp")
        let response = metadata.response
        #expect(response.status == 200)
        let json = try response.jsonObject()
        #expect(json["resource"] as? String == ResourceFlow.tools.rawValue)
        #expect(json["authorization_servers"] as? [String] == [TestServer.issuer])
        #expect(Set(json["scopes_supported"] as? [String] ?? []) == ["public", "message.send"])
        #expect(json["bearer_methods_supported"] as? [String] == ["header"])
        #expect(json["jwks_uri"] == nil)
    }
}
