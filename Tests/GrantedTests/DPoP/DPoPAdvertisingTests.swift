import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// What a DPoP-aware resource advertises (RFC 9728 §2) and refuses when it requires DPoP
/// (RFC 9449 §7.2), and the nonce a successful token response carries (RFC 9449 §8.2).
@Suite("DPoP: protected resource metadata, required DPoP, fresh nonces (RFC 9728 §2; RFC 9449 §7.2, §8.2)")
struct DPoPAdvertisingTests {
    static let key = DPoPKey(seed: 71)
    static let resource = ResourceIdentifier(rawValue: "https://server.example.com/api")

    static func metadata(_ resourceGuard: ResourceGuard) throws -> [String: Any] {
        let response = try #require(resourceGuard.metadataResponse)
        return try response.jsonObject()
    }

    @Test("RFC 9728 §2: dpop_signing_alg_values_supported lists what the guard accepts; dpop_bound_access_tokens_required only when Bearer is refused",
        arguments: [(true, false), (true, true), (false, false), (false, true)])
    func metadataMembers(dpopOn: Bool, requiresDPoP: Bool) throws {
        let fixture = DPoPFixture(verification: dpopOn ? StandInKeyVerification() : nil)
        var resourceGuard = fixture.server.resourceGuard(resource: Self.resource)
        resourceGuard.requiresDPoP = requiresDPoP
        let document = try Self.metadata(resourceGuard)
        #expect(document["dpop_signing_alg_values_supported"] as? [String] == (dpopOn ? ["ES256", "RS256", "PS256"] : nil))
        #expect(document["dpop_bound_access_tokens_required"] as? Bool == (dpopOn && requiresDPoP ? true : nil))
    }

    @Test("RFC 9449 §7.2: a guard that requires DPoP refuses a bearer token (invalid_token) and lets a bound token with its proof through")
    func requiredRefusesBearer() async throws {
        let fixture = DPoPFixture()
        var resourceGuard = fixture.guard_
        resourceGuard.requiresDPoP = true
        let plain = try #require(try await fixture.clientCredentials().jsonObject()["access_token"] as? String)
        let refused = await resourceGuard.check(Self.request("Bearer \(plain)"), requiring: [])
        #expect(refused.deniedError == .invalidToken)
        let response = try #require(refused.response)
        #expect(response.status == 401)
        // §7.1, §7.2: only the DPoP scheme is offered, and the error is on it.
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix(#"DPoP algs=""#), "\(challenge)")
        #expect(!challenge.contains("Bearer"), "\(challenge)")
        #expect(challenge.contains(#"error="invalid_token""#), "\(challenge)")
        #expect(response.headers.count(of: "WWW-Authenticate") == 1)
        // No credentials at all: a bare DPoP challenge, no error code (RFC 6750 §3.1).
        let anonymous = await resourceGuard.check(OAuthRequest(method: .get, path: "/api/me"), requiring: [])
        let bare = try #require(anonymous.response)
        #expect(bare.status == 401)
        let bareChallenge = try #require(bare.headers["WWW-Authenticate"])
        #expect(bareChallenge.hasPrefix("DPoP ") && !bareChallenge.contains("Bearer") && !bareChallenge.contains("error="), "\(bareChallenge)")
        // Without the requirement, the same bearer token passes.
        #expect(await fixture.guard_.check(Self.request("Bearer \(plain)"), requiring: []).grant != nil)
        let bound = try #require(try await fixture.clientCredentials(Self.key.proof()).jsonObject()["access_token"] as? String)
        let allowed = await resourceGuard.check(Self.request("DPoP \(bound)", [Self.key.resourceProof(bound)]), requiring: [])
        #expect(allowed.grant?.keyThumbprint == Self.key.thumbprint)
    }

    static func request(_ authorization: String, _ proofs: [String] = []) -> OAuthRequest {
        var headers: HeaderFields = [:]
        headers.append("Authorization", authorization)
        return DPoPFixture.with(proofs, OAuthRequest(method: .get, path: "/api/me", headers: headers))
    }

    @Test("RFC 9449 §8.2: with nonces required, a successful DPoP token response carries a DPoP-Nonce the next proof may use; without nonces, none")
    func freshNonceOnSuccess() async throws {
        var policy = Policy()
        policy.dpop.requiresNonce = true
        let fixture = DPoPFixture(policy: policy)
        let first = await fixture.clientCredentials(Self.key.proof())
        let nonce = try #require(first.headers["dpop-nonce"], "use_dpop_nonce carries the first")
        let issued = await fixture.clientCredentials(Self.key.proof { $0.nonce = nonce })
        #expect(issued.status == 200, "\(issued.bodyText)")
        let next = try #require(issued.headers["dpop-nonce"])
        let again = await fixture.clientCredentials(Self.key.proof { $0.nonce = next })
        #expect(again.status == 200, "\(again.bodyText)")
        // No proof: a bearer response, no nonce; a policy without nonces sends none either.
        #expect(await fixture.clientCredentials().headers["dpop-nonce"] == nil)
        let plain = DPoPFixture()
        let response = await plain.clientCredentials(Self.key.proof())
        #expect(response.status == 200)
        #expect(response.headers["dpop-nonce"] == nil)
    }
}
