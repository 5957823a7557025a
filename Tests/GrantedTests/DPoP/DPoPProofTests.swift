import Foundation
import Testing

@testable import Granted
import GrantedTesting

// The MUSTs of RFC 9449 §4-§11 this branch implements, each with the test that fails without it:
//
//  §4.3 step 1   not more than one DPoP header ............................ oneHeaderOnly
//  §4.3 step 2   the header value is one well-formed JWT ..................... malformedProofs
//  §4.2, step 3  htm, htu, iat, jti present .................................. requiredClaims
//  §4.3 step 4   typ is dpop+jwt ............................................. wrongType
//  §4.3 step 5   alg asymmetric, not none, supported, allowed by policy ...... refusedAlgorithms, policyAllowList
//  §4.3 step 6   the signature verifies with the jwk header's key ............ signatureOfAnotherKey
//  §4.2, step 7  the jwk header is a public key, no private member ........... privateOrSymmetricKeys
//  §4.3 step 8   htm matches the request's method ............................ wrongMethod
//  §4.3 step 9   htu matches the request's URI, without query and fragment ... htuComparison
//  §4.3 step 10, §8  a server-provided nonce, else use_dpop_nonce + DPoP-Nonce  nonceRequired, staleNonce
//  §4.3 step 11  iat within the accepted window .............................. iatWindow
//  §4.3 step 12, §7.1  ath is the access token's hash; the key is the token's   (DPoPResourceTests)
//  §11.1         a proof (jti) is used once ...................................... replayRefused
//  §5            a proof at /token gets token_type DPoP, bound (cnf.jkt) ..... (DPoPBindingTests)
//  §5            a public client's refresh token is bound to the key ......... (DPoPBindingTests)
//  §5            a confidential client's refresh token is not; its new access token is (DPoPBindingTests)
//  §5            an invalid proof at /token is 400 invalid_dpop_proof ........ every test here
//  §5.1          dpop_signing_alg_values_supported ........................... (DPoPBindingTests)
//  §6.1          a JWT access token carries cnf.jkt .......................... (DPoPBindingTests)
//  §6.2          introspection answers cnf.jkt and token_type DPoP ........... (DPoPBindingTests)
//  §7.1          Authorization: DPoP with a proof; a DPoP challenge with algs  (DPoPResourceTests)
//  §7.2          a DPoP-bound token sent as Bearer is refused ................ (DPoPResourceTests)
//  §9            the resource's use_dpop_nonce: 401 with DPoP-Nonce ........... (DPoPResourceTests)
//  §10           dpop_jkt binds the code to the key ............................ (DPoPBindingTests)

/// DPoP proofs at the token endpoint (RFC 9449 §4.3, §5, §8, §11.1).
@Suite("DPoP proofs (RFC 9449 §4)")
struct DPoPProofTests {
    static let key = DPoPKey(seed: 11)
    static let other = DPoPKey(seed: 21)

    /// Expects a refusal: 400 `invalid_dpop_proof` and nothing issued.
    static func expectRefused(_ response: OAuthResponse, _ code: String = "invalid_dpop_proof") async {
        #expect(response.status == 400)
        #expect(response.errorCode == code)
        #expect((try? response.jsonObject())?["access_token"] == nil)
    }

    @Test("a valid proof is accepted and binds the token (the baseline of every refusal below)")
    func accepted() async throws {
        let fixture = DPoPFixture()
        let response = await fixture.clientCredentials(Self.key.proof())
        #expect(response.status == 200)
        #expect(try response.jsonObject()["token_type"] as? String == "DPoP")
    }

    @Test("§4.3 step 1: two DPoP headers are refused")
    func oneHeaderOnly() async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof(), Self.key.proof()))
    }

    @Test("§4.3 step 2: a header value that is not one well-formed JWS is refused",
        arguments: ["", "not-a-jwt", "a.b", "a.b.c.d", "e30.e30.", "e30.e30.AA"])
    func malformedProofs(_ value: String) async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(value))
    }

    @Test("§4.2, §4.3 step 3: each of htm, htu, iat and jti is required", arguments: ["htm", "htu", "iat", "jti"])
    func requiredClaims(_ claim: String) async {
        let fixture = DPoPFixture()
        let proof = Self.key.proof { parts in
            switch claim {
            case "htm": parts.htm = nil
            case "htu": parts.htu = nil
            case "iat": parts.iat = nil
            default: parts.jti = nil
            }
        }
        await Self.expectRefused(await fixture.clientCredentials(proof))
    }

    @Test("§4.3 step 4: typ must be dpop+jwt", arguments: [nil, "JWT", "at+jwt", "DPOP+JWT"] as [String?])
    func wrongType(_ typ: String?) async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.typ = typ }))
    }

    @Test("§4.3 step 5: none, a MAC, and an algorithm the host does not verify are refused",
        arguments: ["none", "HS256", "ES384", "EdDSA"])
    func refusedAlgorithms(_ alg: String) async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.alg = alg }))
    }

    @Test("§4.3 step 5: an algorithm the policy leaves out is refused, and not advertised")
    func policyAllowList() async throws {
        var policy = Policy()
        policy.dpop.algorithms = [.ps256]
        let fixture = DPoPFixture(policy: policy)
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof()))
        let metadata = try fixture.server.metadata(OAuthRequest(method: .get)).jsonObject()
        #expect(metadata["dpop_signing_alg_values_supported"] as? [String] == ["PS256"])
    }

    @Test("§4.3 step 6: a signature by another key than the jwk header's is refused")
    func signatureOfAnotherKey() async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.signer = Self.other.jwk }))
    }

    @Test("§4.2, §4.3 step 7: a jwk with a private member, a symmetric jwk, or none is refused",
        arguments: [
            #"{"kty":"EC","crv":"P-256","x":"CwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCws","y":"DAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw","d":"AQ"}"#,
            #"{"kty":"oct","k":"CwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCwsLCws"}"#,
            #""a string""#,
            nil,
        ] as [String?])
    func privateOrSymmetricKeys(_ jwk: String?) async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.headerJWK = jwk }))
    }

    /// A proof of these exact header and claims JSON, signed for `key` (the stand-in signature).
    static func rawProof(header: String, claims: String, key: DPoPKey = key) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let material = StandInKeyVerification.publicMaterial(key.jwk) ?? []
        return input + "." + Base64URL.encode(HMACSHA256(key: material).authenticationCode(for: Array(input.utf8)).bytes)
    }

    @Test("§4.2: htm, htu and ath must be strings; a jwk with null and unknown optional members still reads",
        arguments: [
            (#""htm":1"#, #"{"kty":"EC""#, false),
            (#""htm":"POST","htu":["\#(DPoPFixture.tokenEndpoint)"]"#, #"{"kty":"EC""#, false),
            (#""htm":"POST","ath":7"#, #"{"kty":"EC""#, false),
            (#""htm":"POST","ath":null"#, #"{"kty":"EC""#, false),
            (#""htm":"POST","ath":"x""#, #"{"kty":"EC","kid":null,"ext":true,"key_ops":["verify"]"#, true),
            (#""htm":"POST""#, #"{"kty":"EC","use":7"#, false),
        ])
    func memberTypes(_ claims: String, _ jwkStart: String, accepted: Bool) async throws {
        let fixture = DPoPFixture()
        let jwk = String(decoding: Self.key.jwk.json, as: UTF8.self)
        let members = try #require(jwk.firstRange(of: #","crv""#)).lowerBound
        let header = #"{"typ":"dpop+jwt","alg":"ES256","jwk":"# + jwkStart + jwk[members...] + "}"
        var claimsJSON = "{" + claims
        if !claims.contains(#""htu""#) { claimsJSON += #","htu":"\#(DPoPFixture.tokenEndpoint)""# }
        claimsJSON += #","iat":\#(Int(DPoPFixture.start.timeIntervalSince1970)),"jti":"\#(UUID().uuidString)"}"#
        let response = await fixture.clientCredentials(Self.rawProof(header: header, claims: claimsJSON))
        if accepted {
            #expect(response.status == 200)
            #expect(try response.jsonObject()["token_type"] as? String == "DPoP")
        } else {
            await Self.expectRefused(response)
        }
    }

    @Test("§4.3 step 9: htu normalized as compared (RFC 3986 §6.2.2, §6.2.3), nil for anything not absolute http(s)",
        arguments: [
            ("HTTPS://Server.Example.COM:443", "https://server.example.com/"),
            ("http://h:80/p?q=1#f", "http://h/p"),
            ("https://h:8443/A/b#x", "https://h:8443/A/b"),
            ("https:/h/p", nil), ("https:h", nil), ("a:b://h/", nil), ("ftp://h/", nil), ("https://", nil),
            ("https://user@h/", nil), ("//h/p", nil), ("", nil), ("https", nil),
        ] as [(String, String?)])
    func htuNormalized(_ uri: String, _ expected: String?) {
        #expect(DPoPVerifier.normalized(uri) == expected)
    }

    @Test("§4.3 step 8: htm must be the request's method", arguments: ["GET", "post", "PUT"])
    func wrongMethod(_ method: String) async {
        let fixture = DPoPFixture()
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.htm = method }))
    }

    @Test("§4.3 step 9: htu is compared without query and fragment; another URI is refused",
        arguments: [
            ("https://auth.example.com/token", true), ("https://auth.example.com/token?x=1", true),
            ("https://auth.example.com/token#f", true), ("HTTPS://AUTH.example.com:443/token", true),
            ("https://auth.example.com/token/", false), ("https://auth.example.com/TOKEN", false),
            ("https://other.example.com/token", false), ("http://auth.example.com/token", false),
            ("https://auth.example.com:8443/token", false), ("/token", false),
        ])
    func htuComparison(_ htu: String, accepted: Bool) async {
        let fixture = DPoPFixture()
        let response = await fixture.clientCredentials(Self.key.proof { $0.htu = htu })
        if accepted { #expect(response.status == 200) } else { await Self.expectRefused(response) }
    }

    @Test("§4.3 step 11: iat outside [now - proofLifetime, now + clockSkew] is refused",
        arguments: [(-61, false), (-60, true), (0, true), (5, true), (6, false), (3600, false)])
    func iatWindow(_ offset: Int, accepted: Bool) async {
        let fixture = DPoPFixture()
        let response = await fixture.clientCredentials(Self.key.proof { $0.iat = DPoPFixture.start + TimeInterval(offset) })
        if accepted { #expect(response.status == 200) } else { await Self.expectRefused(response) }
    }

    @Test("§11.1: a proof works once; the same jti under another key is another proof")
    func replayRefused() async {
        let fixture = DPoPFixture()
        let proof = Self.key.proof { $0.jti = "once" }
        #expect(await fixture.clientCredentials(proof).status == 200)
        await Self.expectRefused(await fixture.clientCredentials(proof))
        #expect(await fixture.clientCredentials(Self.other.proof { $0.jti = "once" }).status == 200)
    }

    @Test("§8: with nonces required, a proof without one is 400 use_dpop_nonce with DPoP-Nonce; with it, accepted")
    func nonceRequired() async throws {
        var policy = Policy()
        policy.dpop.requiresNonce = true
        let fixture = DPoPFixture(policy: policy)
        let first = await fixture.clientCredentials(Self.key.proof())
        await Self.expectRefused(first, "use_dpop_nonce")
        let nonce = try #require(first.headers["DPoP-Nonce"])
        await Self.expectRefused(await fixture.clientCredentials(Self.key.proof { $0.nonce = "made-up" }), "use_dpop_nonce")
        #expect(await fixture.clientCredentials(Self.key.proof { $0.nonce = nonce }).status == 200)
    }

    @Test("§8: a nonce is accepted for one more window, then refused with a fresh one")
    func staleNonce() async throws {
        var policy = Policy()
        policy.dpop.requiresNonce = true
        policy.dpop.nonceLifetime = 300
        let fixture = DPoPFixture(policy: policy)
        let nonce = try #require(await fixture.clientCredentials(Self.key.proof()).headers["DPoP-Nonce"])
        fixture.clock.advance(by: 300)
        #expect(await fixture.clientCredentials(Self.key.proof { $0.nonce = nonce; $0.iat = fixture.clock.now }).status == 200)
        fixture.clock.advance(by: 300)
        let stale = await fixture.clientCredentials(Self.key.proof { $0.nonce = nonce; $0.iat = fixture.clock.now })
        await Self.expectRefused(stale, "use_dpop_nonce")
        #expect(stale.headers["DPoP-Nonce"] != nonce)
    }

    @Test("without a PublicKeyVerification DPoP is off: the header is ignored, a Bearer token issued, no metadata")
    func offWithoutVerification() async throws {
        let fixture = DPoPFixture(verification: nil)
        let response = await fixture.clientCredentials(Self.key.proof())
        #expect(try response.jsonObject()["token_type"] as? String == "Bearer")
        let metadata = try fixture.server.metadata(OAuthRequest(method: .get)).jsonObject()
        #expect(metadata["dpop_signing_alg_values_supported"] == nil)
    }
}
