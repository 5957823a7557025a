import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// DPoP at a protected resource (RFC 9449 §7, §9): `Authorization: DPoP` with a proof of the
/// token's key, for this request and this token.
@Suite("DPoP at the resource guard (RFC 9449 §7)")
struct DPoPResourceTests {
    static let key = DPoPKey(seed: 51)
    static let other = DPoPKey(seed: 61)

    /// A token bound to `key` and the fixture that issued it.
    static func boundToken(_ fixture: DPoPFixture) async throws -> String {
        let response = await fixture.clientCredentials(key.proof())
        return try #require(try response.jsonObject()["access_token"] as? String)
    }

    static func expectDPoPRefusal(_ decision: ResourceGuard.Decision, _ code: String) throws {
        let response = try #require(decision.response, "allowed")
        #expect(response.status == 401)
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix("Bearer"))
        #expect(challenge.contains(#"DPoP algs="ES256 RS256 PS256", error="\#(code)""#))
        #expect(response.errorCode == code)
    }

    /// The `Bearer` and the `DPoP` challenge of one `WWW-Authenticate` (§7.1, §7.2).
    static func challenges(_ response: OAuthResponse) throws -> (bearer: Substring, dpop: Substring) {
        let challenge = try #require(response.headers["WWW-Authenticate"])
        let split = try #require(challenge.range(of: ", DPoP "), "\(challenge)")
        #expect(challenge.hasPrefix("Bearer "))
        return (challenge[..<split.lowerBound], challenge[challenge.index(after: split.lowerBound)...].dropFirst())
    }

    @Test("§7.1: Authorization: DPoP with a proof of the token's key, with htm, htu and ath, is let through")
    func accepted() async throws {
        let fixture = DPoPFixture()
        let token = try await Self.boundToken(fixture)
        let decision = await fixture.resource("DPoP \(token)", [Self.key.resourceProof(token)])
        #expect(decision.grant?.keyThumbprint == Self.key.thumbprint)
    }

    @Test("§7.2: a DPoP-bound token sent as Bearer is refused: invalid_token on the Bearer challenge")
    func bearerDowngrade() async throws {
        let fixture = DPoPFixture()
        let token = try await Self.boundToken(fixture)
        for proofs in [[], [Self.key.resourceProof(token)]] {
            let response = try #require(await fixture.resource("Bearer \(token)", proofs).response)
            #expect(response.status == 401)
            let challenge = try #require(response.headers["WWW-Authenticate"])
            #expect(challenge.contains(#"Bearer realm="api", error="invalid_token""#))
            #expect(challenge.contains(#"DPoP algs="ES256 RS256 PS256""#))
        }
    }

    @Test("§7.2: a bound token as a form-body access_token, or a JWT with cnf as Bearer, is refused: 401 invalid_token",
        arguments: ["form body", "form body with a proof", "JWT as Bearer", "JWT as Bearer with a proof"])
    func boundTokenAsBearerElsewhere(_ case_: String) async throws {
        let decision: ResourceGuard.Decision
        if case_.hasPrefix("form body") {
            let fixture = DPoPFixture()
            let token = try await Self.boundToken(fixture)
            var request = OAuthRequest.form("/api/me", FormEncoder.encode([("access_token", token)]))
            if case_.hasSuffix("proof") {
                request = DPoPFixture.with([Self.key.resourceProof(token, method: "POST")], request)
            }
            decision = await fixture.server.resourceGuard(acceptsFormBodyToken: true).check(request, requiring: [])
        } else {
            let fixture = DPoPFixture.jwtIssuing()
            let jwt = try #require(try await fixture.toolsToken(Self.key.proof()).jsonObject()["access_token"] as? String)
            let proofs = case_.hasSuffix("proof") ? [Self.key.resourceProof(jwt, uri: DPoPFixture.tools.rawValue)] : []
            decision = await fixture.tools("Bearer \(jwt)", proofs)
        }
        #expect(decision.deniedError == .invalidToken, "\(case_)")
        let response = try #require(decision.response, "\(case_): allowed")
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_token")
        // The error is on the scheme the token came by (§7.2): Bearer, not DPoP.
        let (bearer, dpop) = try Self.challenges(response)
        #expect(bearer.contains(#"error="invalid_token""#), "\(bearer)")
        #expect(dpop == #"DPoP algs="ES256 RS256 PS256""#)
    }

    @Test("§4.3 step 12, §7.1: no proof, another key's proof, or a proof for another token, method or URI is refused",
        arguments: ["none", "other key", "other ath", "no ath", "htm", "htu", "stale iat"])
    func refusals(_ case_: String) async throws {
        let fixture = DPoPFixture()
        let token = try await Self.boundToken(fixture)
        let proofs: [String]
        switch case_ {
        case "none": proofs = []
        case "other key": proofs = [Self.other.resourceProof(token)]
        case "other ath": proofs = [Self.key.resourceProof(token + "x")]
        case "no ath": proofs = [Self.key.resourceProof(token) { $0.ath = nil }]
        case "htm": proofs = [Self.key.resourceProof(token, method: "POST")]
        case "htu": proofs = [Self.key.resourceProof(token, uri: DPoPFixture.issuer + "/api/other")]
        default: proofs = [Self.key.resourceProof(token, at: DPoPFixture.start - 120)]
        }
        try Self.expectDPoPRefusal(await fixture.resource("DPoP \(token)", proofs), "invalid_dpop_proof")
    }

    @Test("§11.1: a proof works once at the resource too")
    func replay() async throws {
        let fixture = DPoPFixture()
        let token = try await Self.boundToken(fixture)
        let proof = Self.key.resourceProof(token)
        #expect(await fixture.resource("DPoP \(token)", [proof]).grant != nil)
        try Self.expectDPoPRefusal(await fixture.resource("DPoP \(token)", [proof]), "invalid_dpop_proof")
    }

    @Test("§7.1: a bearer token sent under the DPoP scheme is refused: it is bound to no key")
    func unboundUnderDPoP() async throws {
        let fixture = DPoPFixture()
        let plain = try #require(try await fixture.clientCredentials().jsonObject()["access_token"] as? String)
        try Self.expectDPoPRefusal(await fixture.resource("DPoP \(plain)", [Self.key.resourceProof(plain)]), "invalid_token")
        // As Bearer it still works: both schemes side by side.
        #expect(await fixture.resource("Bearer \(plain)").grant != nil)
    }

    @Test("§7.1: with no credentials, the 401 carries both challenges, neither with an error")
    func anonymousChallenges() async throws {
        let fixture = DPoPFixture()
        let response = try #require(await fixture.resource(nil).response)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == #"Bearer realm="api", DPoP algs="ES256 RS256 PS256""#)
    }

    @Test("§9: with nonces required, the resource answers 401 use_dpop_nonce with DPoP-Nonce; the nonce then passes")
    func resourceNonce() async throws {
        var policy = Policy()
        policy.dpop.requiresNonce = true
        let fixture = DPoPFixture(policy: policy)
        let first = await fixture.clientCredentials(Self.key.proof())
        let nonce = try #require(first.headers["DPoP-Nonce"])
        let token = try #require(
            try await fixture.clientCredentials(Self.key.proof { $0.nonce = nonce }).jsonObject()["access_token"] as? String)
        let decision = await fixture.resource("DPoP \(token)", [Self.key.resourceProof(token)])
        try Self.expectDPoPRefusal(decision, "use_dpop_nonce")
        #expect(decision.response?.headers["DPoP-Nonce"] == nonce)
        #expect(await fixture.resource("DPoP \(token)", [Self.key.resourceProof(token) { $0.nonce = nonce }]).grant != nil)
    }

    @Test("a guard without DPoP refuses a bound token under either scheme")
    func guardWithoutDPoP() async throws {
        let fixture = DPoPFixture()
        let token = try await Self.boundToken(fixture)
        var plainGuard = fixture.server.resourceGuard()
        plainGuard.dpop = nil
        let request = DPoPFixture.with(
            [Self.key.resourceProof(token)], OAuthRequest(method: .get, path: "/api/me", headers: ["Authorization": "DPoP \(token)"]))
        #expect(await plainGuard.check(request, requiring: []).grant == nil)
        let bearer = OAuthRequest(method: .get, path: "/api/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(await plainGuard.check(bearer, requiring: []).grant == nil)
    }
}
