import Foundation
import Testing

@testable import Granted

/// `LogoutToken.validate` (Back-Channel Logout 1.0 §2.6): each step refuses what it must.
@Suite("Logout token validation")
struct LogoutTokenTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let issuer = "https://op.example.com"
    static let signer = try! HS256Signer(key: Array(repeating: 42, count: 32), keyID: "k1")  // a literal key: no input path

    static func token() -> LogoutToken {
        LogoutToken(
            issuer: issuer, audience: ["rp"], issuedAt: t0, expiresAt: t0 + 120, jwtID: "j-1", subject: "alice",
            sessionID: "s-1")
    }

    /// A claims set with one change, signed with `type`.
    enum Change: String, CaseIterable, Sendable {
        case none, otherIssuer, otherAudience, withNonce, noEvents, eventNotObject, otherEvent, noSubjectNorSession
        case typeJWT, expired, noIssuedAt, noJWTID, noExpiry, sessionOnly, subjectOnly, typeAbsent, typeApplication
        case otherKey, issuedInFuture, sidNotString, eventsString, eventsArray
    }

    static func signed(_ change: Change) throws -> String {
        var claims = token().claims
        var type: String? = LogoutToken.mediaType
        var signer: any Signer = signer
        switch change {
        case .none: break
        case .otherIssuer: claims.issuer = "https://evil.example"
        case .otherAudience: claims.audience = ["rp2"]
        case .withNonce: claims.nonce = "n"
        case .noEvents: claims.extraClaims.removeAll { $0.name == "events" }
        case .eventNotObject:
            claims.extraClaims.removeAll { $0.name == "events" }
            claims.extraClaims.append(try #require(.init(name: "events", json: Array(#"{"\#(LogoutToken.event)":true}"#.utf8))))
        case .otherEvent:
            claims.extraClaims.removeAll { $0.name == "events" }
            claims.extraClaims.append(try #require(.init(name: "events", json: Array(#"{"urn:other":{}}"#.utf8))))
        case .noSubjectNorSession:
            claims.subject = nil
            claims.extraClaims.removeAll { $0.name == "sid" }
        case .sessionOnly: claims.subject = nil
        case .subjectOnly: claims.extraClaims.removeAll { $0.name == "sid" }
        case .typeJWT: type = "JWT"
        case .typeAbsent: type = nil
        case .typeApplication: type = "application/logout+jwt"
        case .expired: claims.expiresAt = t0 - 61  // past the 60 s leeway
        case .noIssuedAt: claims.issuedAt = nil
        case .noJWTID: claims.jwtID = nil
        case .noExpiry: claims.expiresAt = nil
        case .otherKey: signer = try HS256Signer(key: Array(repeating: 7, count: 32), keyID: "k1")
        case .issuedInFuture: claims.issuedAt = t0 + 3600
        case .sidNotString:
            claims.extraClaims.removeAll { $0.name == "sid" }
            claims.extraClaims.append(try #require(.init(name: "sid", json: Array("123".utf8))))
        case .eventsString, .eventsArray:
            claims.extraClaims.removeAll { $0.name == "events" }
            let json = change == .eventsString ? #""\#(LogoutToken.event)""# : #"["\#(LogoutToken.event)"]"#
            claims.extraClaims.append(try #require(.init(name: "events", json: Array(json.utf8))))
        }
        return try JWS.sign(claims.serialized(), type: type, signer: signer)
    }

    static func expected(_ change: Change) -> LogoutToken.Rejection? {
        switch change {
        case .none, .sessionOnly, .subjectOnly, .typeAbsent, .typeApplication: nil
        case .otherIssuer: .wrongIssuer
        case .otherAudience: .wrongAudience
        case .withNonce: .nonceForbidden
        case .noEvents, .eventNotObject, .otherEvent, .eventsString, .eventsArray: .missingEvent
        case .sidNotString: .missingSubjectAndSession
        case .noSubjectNorSession: .missingSubjectAndSession
        case .typeJWT: .wrongType
        case .expired: .unverified(.expired)
        case .noIssuedAt: .missingClaim("iat")
        case .noJWTID: .missingClaim("jti")
        case .noExpiry: .unverified(.missingExpiration)
        case .otherKey: .unverified(.unverified)
        case .issuedInFuture: .unverified(.issuedInTheFuture)
        }
    }

    @Test("each validation step refuses what it must (§2.6)", arguments: Change.allCases)
    func validation(change: Change) throws {
        let token = try Self.signed(change)
        do {
            let valid = try LogoutToken.validate(
                token, issuer: Self.issuer, clientID: "rp", algorithm: .hs256, verifiers: [Self.signer], now: Self.t0)
            #expect(Self.expected(change) == nil, "\(change) was accepted")
            #expect(valid.jwtID == "j-1")
        } catch {
            #expect(error == Self.expected(change), "\(change)")
        }
    }

    /// The header's `alg` (§2.6 step 3, RFC 8725 §2.1): `none`, or HS256 where RS256 is expected.
    enum Header: String, CaseIterable, Sendable { case algNone, algNoneExpected, hs256ExpectingRS256 }

    @Test("alg none is never accepted, nor HS256 where RS256 is expected (§2.6; RFC 8725 §2.1)", arguments: Header.allCases)
    func header(_ header: Header) throws {
        let claims = try Self.token().claims.serialized()
        let token: String
        let algorithm: JWSAlgorithm
        var verifiers: [any SignatureVerifier] = [Self.signer]
        switch header {
        case .algNone, .algNoneExpected:
            token = Base64URL.encode(Array(#"{"alg":"none","typ":"logout+jwt"}"#.utf8)) + "." + Base64URL.encode(claims) + "."
            algorithm = header == .algNone ? .hs256 : JWSAlgorithm(rawValue: "none")
            verifiers.append(AcceptingVerifier(algorithm: JWSAlgorithm(rawValue: "none")))
        case .hs256ExpectingRS256:
            token = try JWS.sign(claims, type: LogoutToken.mediaType, signer: Self.signer)
            algorithm = .rs256
            // A verifier that accepts any RS256 signature: only the alg pin can refuse.
            verifiers.append(AcceptingVerifier(algorithm: .rs256))
        }
        #expect(throws: LogoutToken.Rejection.unverified(.unverified)) {
            try LogoutToken.validate(
                token, issuer: Self.issuer, clientID: "rp", algorithm: algorithm, verifiers: verifiers, now: Self.t0)
        }
    }

    @Test("an ID token is never a logout token, even signed by the same key")
    func idTokenIsNotALogoutToken() throws {
        let idToken = try JWT.sign(
            JWTClaims(
                issuer: Self.issuer, subject: "alice", audience: ["rp"], expiresAt: Self.t0 + 60, issuedAt: Self.t0,
                jwtID: "j", nonce: "n"), signer: Self.signer)
        #expect(throws: LogoutToken.Rejection.self) {
            try LogoutToken.validate(
                idToken, issuer: Self.issuer, clientID: "rp", algorithm: .hs256, verifiers: [Self.signer], now: Self.t0)
        }
    }
}
