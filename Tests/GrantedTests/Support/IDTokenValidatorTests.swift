import Foundation
import Testing

@testable import Granted

/// The validator must refuse what Core §3.1.3.7 / §3.2.2.11 / §3.3.2.12 refuse, or a passing flow
/// test would prove nothing: each tampering of an otherwise valid ID token is refused by its rule.
@Suite("IDTokenValidator refuses what OpenID Connect Core §3.1.3.7, §3.2.2.11, §3.3.2.12 refuse")
struct IDTokenValidatorTests {
    static let now = TestServer.start
    static let accessToken = "gat_jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
    static let code = "gac_Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"

    @Test(
        "the left-half hash matches the at_hash and c_hash examples of Core Appendix A.3, A.4 and a vendor example",
        arguments: [
            ("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ"),
            ("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA"),
            ("dNZX1hEZ9wBCzNL40Upu646bdzQA", "wfgvmE9VxjAudsl9lc6TqA"),
        ])
    func leftHalfHashVectors(value: String, hash: String) {
        #expect(IDTokenValidator.leftHalfHash(value) == hash)
    }

    /// A valid `code id_token token` ID token, before tampering.
    static func goodClaims() -> JWTClaims {
        JWTClaims(
            issuer: OIDCProvider.issuer, subject: OIDCProvider.alice.rawValue, audience: ["rp"],
            expiresAt: now + 3600, issuedAt: now, authTime: now - 10, nonce: "n-1", authorizedParty: "rp",
            accessTokenHash: IDTokenValidator.leftHalfHash(accessToken), codeHash: IDTokenValidator.leftHalfHash(code))
    }

    static func expectation() -> IDTokenValidator.Expectation {
        IDTokenValidator.Expectation(
            source: .authorizationEndpoint([.code, .idToken, .token]), subject: OIDCProvider.alice, nonce: "n-1",
            maxAge: 60, accessToken: accessToken, code: code, now: now)
    }

    enum Tampering: String, CaseIterable, Sendable {
        case otherIssuer, issuerWithTrailingSlash, issuerInOtherCase
        case otherAudience, untrustedExtraAudience, severalAudiencesWithoutAZP, otherAZP
        case expired, expiresNow, noIssuedAt, issuedInTheFuture
        case otherSubject, noSubject
        case otherNonce, noNonce
        case noAuthTimeWithMaxAge, authTimeOlderThanMaxAge
        case noAccessTokenHash, wrongAccessTokenHash, noCodeHash, wrongCodeHash, codeHashOfTheAccessToken
        case otherKey, otherKeyID, noKeyID, otherAlgorithm

        var rule: IDTokenValidator.Rule {
            switch self {
            case .otherIssuer, .issuerWithTrailingSlash, .issuerInOtherCase: .issuer
            case .otherAudience, .untrustedExtraAudience: .audience
            case .severalAudiencesWithoutAZP, .otherAZP: .authorizedParty
            case .expired, .expiresNow: .expiry
            case .noIssuedAt, .issuedInTheFuture: .issuedAt
            case .otherSubject, .noSubject: .subject
            case .otherNonce, .noNonce: .nonce
            case .noAuthTimeWithMaxAge, .authTimeOlderThanMaxAge: .authTime
            case .noAccessTokenHash, .wrongAccessTokenHash: .accessTokenHash
            case .noCodeHash, .wrongCodeHash, .codeHashOfTheAccessToken: .codeHash
            case .otherKey, .otherKeyID, .noKeyID, .otherAlgorithm: .signature
            }
        }

        /// The ID token with this tampering, signed.
        func token() throws -> String {
            var claims = IDTokenValidatorTests.goodClaims()
            var signer: any Signer = try OIDCProvider.signer()
            let now = IDTokenValidatorTests.now
            switch self {
            case .otherIssuer: claims.issuer = "https://evil.example.com"
            case .issuerWithTrailingSlash: claims.issuer = OIDCProvider.issuer + "/"
            case .issuerInOtherCase: claims.issuer = "https://OP.example.com"
            case .otherAudience:
                claims.audience = ["rp2"]
                claims.authorizedParty = nil
            case .untrustedExtraAudience: claims.audience = ["rp", "rp2"]
            case .severalAudiencesWithoutAZP:
                claims.audience = ["rp", "trusted-api"]
                claims.authorizedParty = nil
            case .otherAZP: claims.authorizedParty = "rp2"
            case .expired: claims.expiresAt = now - 1
            case .expiresNow: claims.expiresAt = now
            case .noIssuedAt: claims.issuedAt = nil
            case .issuedInTheFuture: claims.issuedAt = now + 60
            case .otherSubject: claims.subject = OIDCProvider.bob.rawValue
            case .noSubject: claims.subject = nil
            case .otherNonce: claims.nonce = "n-2"
            case .noNonce: claims.nonce = nil
            case .noAuthTimeWithMaxAge: claims.authTime = nil
            case .authTimeOlderThanMaxAge: claims.authTime = now - 3600
            case .noAccessTokenHash: claims.accessTokenHash = nil
            case .wrongAccessTokenHash:
                claims.accessTokenHash = IDTokenValidator.leftHalfHash(IDTokenValidatorTests.accessToken + "x")
            case .noCodeHash: claims.codeHash = nil
            case .wrongCodeHash: claims.codeHash = IDTokenValidator.leftHalfHash("gac_other")
            case .codeHashOfTheAccessToken: claims.codeHash = claims.accessTokenHash
            case .otherKey: signer = try HS256Signer(key: Array(repeating: 7, count: 32), keyID: OIDCProvider.keyID)
            case .otherKeyID: signer = try OIDCProvider.signer(keyID: "k2")
            case .noKeyID: signer = try OIDCProvider.signer(keyID: nil)
            case .otherAlgorithm:
                signer = PublishingSigner(algorithm: .rs256, keyID: OIDCProvider.keyID, publicJWK: nil)
            }
            return try JWT.sign(claims, signer: signer)
        }
    }

    func validator() throws -> IDTokenValidator {
        var validator = IDTokenValidator(
            issuer: OIDCProvider.issuer, clientID: "rp", algorithm: .hs256, verifiers: [try OIDCProvider.signer()],
            keyID: OIDCProvider.keyID)
        validator.trustedAudiences = ["trusted-api"]
        return validator
    }

    @Test("the untampered token passes")
    func untampered() throws {
        let token = try JWT.sign(Self.goodClaims(), signer: try OIDCProvider.signer())
        let claims = try validator().validate(token, Self.expectation())
        #expect(claims.subject == OIDCProvider.alice.rawValue)
    }

    @Test("each tampering is refused by the rule it breaks", arguments: Tampering.allCases)
    func refused(tampering: Tampering) throws {
        let token = try tampering.token()
        let validator = try validator()
        do throws(IDTokenValidator.Rejection) {
            _ = try validator.validate(token, Self.expectation())
            Issue.record("\(tampering) was accepted")
        } catch {
            #expect(error.rule == tampering.rule, "\(error)")
        }
    }

    @Test("an unsecured token (alg none) is refused, whatever its claims (RFC 8725 §3.1)")
    func unsecured() throws {
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(try Self.goodClaims().serialized())
        let validator = try validator()
        do throws(IDTokenValidator.Rejection) {
            _ = try validator.validate(header + "." + payload + ".", Self.expectation())
            Issue.record("alg none was accepted")
        } catch {
            #expect(error.rule == .signature)
        }
    }

    enum Hash: String, CaseIterable, Sendable {
        case atHash = "at_hash"
        case cHash = "c_hash"
    }

    @Test(
        "at_hash and c_hash are required exactly where §3.2.2.10 and §3.3.2.11 say, optional at the token endpoint",
        arguments: OIDCProvider.idTokenResponseTypes, Hash.allCases)
    func requiredHashes(responseType: String, missing: Hash) throws {
        let type = try #require(ResponseType(parsing: responseType))
        var claims = Self.goodClaims()
        var expectation = Self.expectation()
        expectation.source = .authorizationEndpoint(type)
        expectation.accessToken = type.contains(.token) ? Self.accessToken : nil
        expectation.code = type.contains(.code) ? Self.code : nil
        if expectation.accessToken == nil { claims.accessTokenHash = nil }
        if expectation.code == nil { claims.codeHash = nil }
        switch missing {
        case .atHash: claims.accessTokenHash = nil
        case .cHash: claims.codeHash = nil
        }
        let required = missing == .atHash ? type.contains(.token) : type.contains(.code)
        let token = try JWT.sign(claims, signer: try OIDCProvider.signer())
        let validator = try validator()
        do throws(IDTokenValidator.Rejection) {
            _ = try validator.validate(token, expectation)
            #expect(!required, "\(missing.rawValue) is required for \(responseType)")
        } catch {
            #expect(required, "\(error)")
            #expect(error.rule == (missing == .atHash ? .accessTokenHash : .codeHash), "\(error)")
        }
        expectation.source = .tokenEndpoint
        #expect(throws: Never.self) { try validator.validate(token, expectation) }
    }

    @Test("a refreshed ID token with a nonce or another auth_time is refused (Core §12.2)")
    func refreshRules() throws {
        let original = Self.goodClaims()
        let signer = try OIDCProvider.signer()
        let validator = try validator()
        var expectation = Self.expectation()
        expectation.maxAge = nil
        expectation.nonce = nil
        expectation.code = nil
        expectation.source = .refresh(original: original)
        var fresh = original
        fresh.nonce = nil
        fresh.codeHash = nil
        let freshToken = try JWT.sign(fresh, signer: signer)
        #expect(throws: Never.self) { try validator.validate(freshToken, expectation) }

        var withNonce = fresh
        withNonce.nonce = "n-1"
        var otherAuthTime = fresh
        otherAuthTime.authTime = Self.now
        for (claims, rule) in [(withNonce, IDTokenValidator.Rule.nonce), (otherAuthTime, .refresh)] {
            let token = try JWT.sign(claims, signer: signer)
            do throws(IDTokenValidator.Rejection) {
                _ = try validator.validate(token, expectation)
                Issue.record("accepted \(claims)")
            } catch {
                #expect(error.rule == rule, "\(error)")
            }
        }
    }
}
