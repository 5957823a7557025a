import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// DPoP with pushed authorization requests (RFC 9449 §10.1; RFC 9126): a proof at the PAR
/// endpoint, `dpop_jkt` among the pushed parameters, or both, bind the code the pushed request
/// leads to; both must then name one key.
@Suite("DPoP with pushed authorization requests (RFC 9449 §10.1)")
struct DPoPPushedAuthorizationTests {
    static let key = DPoPKey(seed: 51)
    static let other = DPoPKey(seed: 61)
    static let parEndpoint = DPoPFixture.issuer + "/par"
    static let caller = ClientAuth.publicClient(DPoPFixture.spa)

    /// How the client asks for the binding at the PAR endpoint.
    enum Binding: String, CaseIterable, Sendable {
        case proofHeader, dpopJKT, both
    }

    /// Pushes the spa's code request with `dpopJKT` and `proofs`.
    static func push(_ fixture: DPoPFixture, dpopJKT: String?, _ proofs: [String]) async -> OAuthResponse {
        var parameters = RequestBuilder.codeRequestParameters(
            client: DPoPFixture.spa, redirectURI: DPoPFixture.spaRedirect, scope: "public",
            challenge: DPoPFixture.pkce, extra: [("dpop_jkt", dpopJKT)])
        parameters.removeAll { $0.0 == "client_id" }
        return await fixture.server.pushedAuthorizationRequest(
            DPoPFixture.with(proofs, RequestBuilder.form("/par", parameters, as: caller)))
    }

    /// The code the pushed request `push` answered leads to.
    static func code(_ fixture: DPoPFixture, _ push: OAuthResponse) async throws -> String {
        #expect(push.status == 201, "\(push.bodyText)")
        let requestURI = try #require(try push.jsonObject()["request_uri"] as? String)
        return try await fixture.server.authorizeCode(
            RequestBuilder.authorize([("client_id", DPoPFixture.spa.rawValue), ("request_uri", requestURI)]),
            subject: "alice")
    }

    static func parProof(_ key: DPoPKey) -> String { key.proof { $0.htu = parEndpoint } }

    @Test("§10.1: a proof at the PAR endpoint, dpop_jkt, or both bind the code: no proof or another key's is refused and leaves it unused; the key's proof redeems it",
        arguments: Binding.allCases)
    func bindsTheCode(binding: Binding) async throws {
        let fixture = DPoPFixture()
        let push = await Self.push(
            fixture, dpopJKT: binding == .proofHeader ? nil : Self.key.thumbprint,
            binding == .dpopJKT ? [] : [Self.parProof(Self.key)])
        let code = try await Self.code(fixture, push)
        let redirect = DPoPFixture.spaRedirect
        let none = await fixture.exchange(code, as: Self.caller, redirect: redirect)
        #expect(none.status == 400 && none.errorCode == "invalid_dpop_proof", "\(none.bodyText)")
        let wrong = await fixture.exchange(code, as: Self.caller, redirect: redirect, Self.other.proof())
        #expect(wrong.status == 400 && wrong.errorCode == "invalid_dpop_proof", "\(wrong.bodyText)")
        let issued = await fixture.exchange(code, as: Self.caller, redirect: redirect, Self.key.proof())
        #expect(issued.status == 200, "\(issued.bodyText)")
        #expect(try issued.jsonObject()["token_type"] as? String == "DPoP")
    }

    @Test("§10.1: dpop_jkt and a proof of another key are refused with invalid_dpop_proof, and nothing is pushed")
    func mismatchRefused() async throws {
        let fixture = DPoPFixture()
        let push = await Self.push(fixture, dpopJKT: Self.other.thumbprint, [Self.parProof(Self.key)])
        #expect(push.status == 400 && push.errorCode == "invalid_dpop_proof", "\(push.bodyText)")
        #expect(try push.jsonObject()["request_uri"] == nil)
    }

    @Test("§4.3 at the PAR endpoint: a proof that fails the checks (another htu, a second DPoP header, replayed) is refused",
        arguments: ["htu", "two headers", "replay"])
    func proofChecked(fault: String) async throws {
        let fixture = DPoPFixture()
        let proofs: [String]
        switch fault {
        case "htu": proofs = [Self.key.proof()]  // the token endpoint's htu
        case "two headers": proofs = [Self.parProof(Self.key), Self.parProof(Self.key)]
        default:
            let proof = Self.parProof(Self.key)
            #expect(await Self.push(fixture, dpopJKT: nil, [proof]).status == 201)
            proofs = [proof]
        }
        let push = await Self.push(fixture, dpopJKT: nil, proofs)
        #expect(push.status == 400 && push.errorCode == "invalid_dpop_proof", "\(push.bodyText)")
    }

    @Test("§8: with nonces required, a proof at the PAR endpoint without one is answered use_dpop_nonce with DPoP-Nonce")
    func nonceAtPAR() async throws {
        var policy = Policy()
        policy.dpop.requiresNonce = true
        let fixture = DPoPFixture(policy: policy)
        let first = await Self.push(fixture, dpopJKT: nil, [Self.parProof(Self.key)])
        #expect(first.status == 400 && first.errorCode == "use_dpop_nonce", "\(first.bodyText)")
        let nonce = try #require(first.headers["dpop-nonce"])
        let push = await Self.push(fixture, dpopJKT: nil, [Self.key.proof { $0.htu = Self.parEndpoint; $0.nonce = nonce }])
        let code = try await Self.code(fixture, push)
        let none = await fixture.exchange(code, as: Self.caller, redirect: DPoPFixture.spaRedirect)
        #expect(none.errorCode == "invalid_dpop_proof" || none.errorCode == "use_dpop_nonce", "\(none.bodyText)")
    }

    @Test("§5: with DPoP off, a DPoP header at the PAR endpoint is ignored and the code is not bound")
    func ignoredWhenOff() async throws {
        let fixture = DPoPFixture(verification: nil)
        let code = try await Self.code(fixture, await Self.push(fixture, dpopJKT: nil, [Self.parProof(Self.key)]))
        let issued = await fixture.exchange(code, as: Self.caller, redirect: DPoPFixture.spaRedirect)
        #expect(issued.status == 200, "\(issued.bodyText)")
        #expect(try issued.jsonObject()["token_type"] as? String == "Bearer")
    }
}
