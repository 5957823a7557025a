import Foundation
@testable import Granted
import GrantedTesting
import Testing

extension CryptoTests {
    @Suite("JWT (RFC 7519) and ID token claims over JWS")
    struct JWSJWTTests {
        static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

        /// Signs raw claims bytes with the RFC 7515 A.1 key.
        static func token(_ claims: String) throws -> String {
            try JWS.sign(Array(claims.utf8), signer: try JWSVectors.rfcSigner())
        }

        static func verify(_ token: String, now: Date = t0, leeway: TimeInterval = 0) throws -> JWTClaims {
            try JWT.verify(token, expecting: .hs256, verifiers: [try JWSVectors.rfcSigner()], now: now, leeway: leeway)
        }

        // MARK: RFC 7519 examples

        @Test("§3.1: the printed header and claims match their octets and encodings")
        func section31IsConsistent() throws {
            let example = try JWSVectors.rfc7519().example
            #expect(Array(example.joseHeader.utf8) == example.joseHeaderOctets)
            #expect(Array(example.claimsSet.utf8) == example.claimsSetOctets)
            #expect(Base64URL.encode(example.joseHeaderOctets) == example.encodedHeader)
            #expect(Base64URL.encode(example.claimsSetOctets) == example.encodedPayload)
            #expect(example.jwt == "\(example.encodedHeader).\(example.encodedPayload).\(example.encodedSignature)")
            #expect(example.jwk.k == (try JWSVectors.rfc7515().hmacSHA256.jwk.k))
        }

        @Test("§3.1 verifies one second before its exp, with its claims read back")
        func section31Verifies() throws {
            let example = try JWSVectors.rfc7519().example
            let exp = Date(timeIntervalSince1970: TimeInterval(example.claims.exp))
            let claims = try Self.verify(example.jwt, now: exp - 1)
            #expect(claims.issuer == example.claims.iss)
            #expect(claims.expiresAt == exp)
            #expect(claims.extraClaims.map(\.name) == Array(example.claims.extra.keys))
            #expect(claims.extraClaims.first?.booleanValue == example.claims.extra.values.first)
            #expect(claims.subject == nil && claims.audience.isEmpty && claims.issuedAt == nil)
        }

        @Test("§6.1, an Unsecured JWT, is refused whatever is expected", arguments: [JWSAlgorithm.hs256, .rs256, JWSAlgorithm(rawValue: "none")])
        func unsecuredRefused(algorithm: JWSAlgorithm) throws {
            let unsecured = try JWSVectors.rfc7519().unsecured
            #expect(unsecured.jwt.hasPrefix(unsecured.encodedHeader + "."))
            let verifiers: [any SignatureVerifier] = [try JWSVectors.rfcSigner(), AcceptingVerifier(algorithm: algorithm)]
            #expect(throws: JWT.Rejection.unverified) {
                try JWT.verify(unsecured.jwt, expecting: algorithm, verifiers: verifiers, now: Date(timeIntervalSince1970: 0), leeway: 0)
            }
        }

        // MARK: Time

        /// Seconds from exp to now, leeway, and whether the token is still accepted.
        @Test("exp must be after now, give or take the leeway (RFC 7519 §4.1.4)", arguments: [
            (-3600.0, 0.0, true), (-1, 0, true), (0, 0, false), (1, 0, false), (3600, 0, false),
            (59, 60, true), (60, 60, false), (-1, -30, true), (0, -30, false),
        ])
        func expiry(secondsPastExpiry: TimeInterval, leeway: TimeInterval, accepted: Bool) throws {
            let token = try Self.token(#"{"sub":"u","exp":1700000000}"#)
            let now = Self.t0 + secondsPastExpiry
            if accepted {
                #expect(try Self.verify(token, now: now, leeway: leeway).subject == "u")
            } else {
                #expect(throws: JWT.Rejection.expired) { try Self.verify(token, now: now, leeway: leeway) }
            }
        }

        @Test("a token without exp is refused")
        func missingExpiration() throws {
            #expect(throws: JWT.Rejection.missingExpiration) { try Self.verify(try Self.token(#"{"sub":"u"}"#)) }
        }

        @Test("nbf and iat may not be after now beyond the leeway (RFC 7519 §4.1.5, §4.1.6)", arguments: [
            ("nbf", 0.0, 0.0, nil), ("nbf", 1, 0, JWT.Rejection.notYetValid), ("nbf", 30, 30, nil), ("nbf", 31, 30, .notYetValid),
            ("iat", 0, 0, nil), ("iat", -100, 0, nil), ("iat", 1, 0, .issuedInTheFuture), ("iat", 31, 30, .issuedInTheFuture),
        ] as [(String, TimeInterval, TimeInterval, JWT.Rejection?)])
        func notBeforeAndIssuedAt(claim: String, secondsAfterNow: TimeInterval, leeway: TimeInterval, rejection: JWT.Rejection?) throws {
            let time = Int(Self.t0.timeIntervalSince1970 + secondsAfterNow)
            let token = try Self.token(#"{"exp":1700003600,"\#(claim)":\#(time)}"#)
            if let rejection {
                #expect(throws: rejection) { try Self.verify(token, leeway: leeway) }
            } else {
                #expect(throws: Never.self) { try Self.verify(token, leeway: leeway) }
            }
        }

        // MARK: Malformed claims

        static let malformedClaims = [
            "not json", "[1,2]", "\"exp\"", "", #"{"exp":"1700003600"}"#, #"{"exp":true}"#, #"{"exp":null}"#,
            #"{"exp":1700003600,"iss":7}"#, #"{"exp":1700003600,"sub":null}"#, #"{"exp":1700003600,"aud":[1]}"#,
            #"{"exp":1700003600,"aud":{"a":1}}"#, #"{"exp":1700003600,"iat":"now"}"#, #"{"exp":1700003600,"nonce":false}"#,
            #"{"exp":1700003600,"auth_time":[1]}"#, #"{"exp":1700003600,"at_hash":1}"#, "{\"exp\":1700003600,\"s\":\"\u{0}\"}",
        ]

        @Test("a payload that is not a JSON object, or a registered claim of the wrong type, is refused", arguments: malformedClaims)
        func malformed(claims: String) throws {
            #expect(throws: JWT.Rejection.malformedClaims) { try Self.verify(try Self.token(claims)) }
        }

        @Test("a JWT of another algorithm, or with another key, is unverified")
        func unverified() throws {
            let token = try Self.token(#"{"exp":1700003600}"#)
            #expect(throws: JWT.Rejection.unverified) {
                try JWT.verify(token, expecting: .rs256, verifiers: [AcceptingVerifier(algorithm: .rs256)], now: Self.t0, leeway: 0)
            }
            let other = try HS256Signer(key: [UInt8](repeating: 7, count: 32))
            #expect(throws: JWT.Rejection.unverified) {
                try JWT.verify(token, expecting: .hs256, verifiers: [other], now: Self.t0, leeway: 0)
            }
        }

        // MARK: Writing claims

        @Test("an ID token's claims are written in a fixed order, aud a string when single")
        func idTokenBytes() throws {
            var claims = JWTClaims(
                issuer: "https://server.example.com", subject: "248289761001", audience: ["s6BhdRkqt3"],
                expiresAt: Date(timeIntervalSince1970: 1_311_281_970.9), issuedAt: Date(timeIntervalSince1970: 1_311_280_970),
                authTime: Date(timeIntervalSince1970: 1_311_280_969), nonce: "n-0S6_WzA2Mj", authorizedParty: "s6BhdRkqt3",
                accessTokenHash: "77QmUPtjPfzWtF2AnpK9RQ",
                extraClaims: [
                    .init(name: "email", string: "janedoe@example.com"), .init(name: "email_verified", boolean: true),
                    try #require(.init(name: "address", json: Array(#" {"country": "US"} "#.utf8))),
                ])
            #expect(try claims.serialized() == Array(#"{"iss":"https://server.example.com","sub":"248289761001","aud":"s6BhdRkqt3","exp":1311281970,"iat":1311280970,"auth_time":1311280969,"nonce":"n-0S6_WzA2Mj","azp":"s6BhdRkqt3","at_hash":"77QmUPtjPfzWtF2AnpK9RQ","email":"janedoe@example.com","email_verified":true,"address":{"country":"US"}}"#.utf8))
            claims.audience = ["a", "b"]
            claims.extraClaims = []
            #expect(try claims.serialized().starts(with: Array(#"{"iss":"https://server.example.com","sub":"248289761001","aud":["a","b"],"#.utf8)))
            #expect(try JWTClaims().serialized() == Array("{}".utf8))
        }

        @Test("an extra claim may not repeat a typed claim or another extra one (RFC 7519 §4)", arguments: ["iss", "sub", "aud", "exp", "nonce", "at_hash", "c_hash", "email"])
        func duplicateClaims(name: String) {
            let claims = JWTClaims(subject: "u", extraClaims: [.init(name: "email", string: "a"), .init(name: name, string: "admin")])
            #expect(throws: JWTClaims.SerializationError.duplicateClaim(name)) { try claims.serialized() }
        }

        @Test("raw JSON must be exactly one value, and is stored as strict JSON", arguments: [
            ("1", "1"), (#"  "x"  "#, #""x""#), (#"{"b":1,"a":[true,null]}"#, #"{"a":[true,null],"b":1}"#),
            (#"1,"sub":"admin""#, nil), (#""a"}, {"sub":"admin""#, nil), ("", nil), ("{", nil), (#"{"a":1} x"#, nil),
            ("tru", nil), ("\"\u{0}\"", nil),
        ] as [(String, String?)])
        func rawJSON(input: String, stored: String?) {
            let claim = JWTClaims.ExtraClaim(name: "x", json: Array(input.utf8))
            #expect(claim?.json == stored.map { Array($0.utf8) })
        }

        @Test("a date beyond a NumericDate is refused", arguments: [Date.distantFuture + 1e300, Date(timeIntervalSince1970: -.infinity)])
        func dateOutOfRange(date: Date) {
            #expect(throws: JWTClaims.SerializationError.dateOutOfRange("exp")) { try JWTClaims(expiresAt: date).serialized() }
        }

        // MARK: Round trip

        static func randomString(using random: inout SplitMix64) -> String {
            let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}", "😀"]
            let count = Int.random(in: 0...12, using: &random)
            return String(String.UnicodeScalarView((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }

        @Test("random claims survive sign then verify unchanged", arguments: 0..<100 as Range<UInt64>)
        func roundTrip(seed: UInt64) throws {
            var random = SplitMix64(state: seed)
            func maybe<T>(_ make: (inout SplitMix64) -> T) -> T? { Bool.random(using: &random) ? make(&random) : nil }
            let issuedAt = Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...2_000_000_000, using: &random)))
            let extras = (0..<Int.random(in: 0...4, using: &random)).map { index -> JWTClaims.ExtraClaim in
                let name = "x\(index)_" + Self.randomString(using: &random)
                switch random.next() % 4 {
                case 0: return .init(name: name, string: Self.randomString(using: &random))
                case 1: return .init(name: name, integer: Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 64))
                case 2: return .init(name: name, boolean: Bool.random(using: &random))
                default: return .init(name: name, strings: (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.randomString(using: &random) })
                }
            }
            let claims = JWTClaims(
                issuer: maybe(Self.randomString), subject: maybe(Self.randomString),
                audience: (0..<Int.random(in: 0...3, using: &random)).map { _ in Self.randomString(using: &random) },
                expiresAt: issuedAt + TimeInterval(Int.random(in: 1...86_400, using: &random)),
                notBefore: maybe { _ in issuedAt }, issuedAt: issuedAt, jwtID: maybe(Self.randomString),
                authTime: maybe { _ in issuedAt - 60 }, nonce: maybe(Self.randomString), authorizedParty: maybe(Self.randomString),
                accessTokenHash: maybe { JWT.halfHash(Self.randomString(using: &$0)) }, codeHash: maybe { JWT.halfHash(Self.randomString(using: &$0)) },
                extraClaims: extras)
            let signer = try HS256Signer(key: JWSVectors.bytes(32, using: &random), keyID: "k")
            let token = try JWT.sign(claims, signer: signer)
            #expect(try JWT.verify(token, expecting: .hs256, verifiers: [signer], now: issuedAt, leeway: 0) == claims)
            #expect(JWS.parse(token)?.header.type == "JWT")
        }

        // MARK: at_hash and c_hash

        /// OpenID Connect Core 1.0 Appendix A: an access token and an authorization code from its
        /// examples, with the `at_hash` and `c_hash` of the RS256 ID tokens issued beside them (so
        /// SHA-256). Recomputed with Python's hashlib before being copied here.
        static let openIDConnectCoreHashes = [
            ("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "77QmUPtjPfzWtF2AnpK9RQ"),
            ("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "LDktKdoQak3Pk0cnXxCltA"),
        ]

        @Test("halfHash gives the OpenID Connect Core examples' at_hash and c_hash", arguments: openIDConnectCoreHashes)
        func halfHashExamples(value: String, expected: String) {
            #expect(JWT.halfHash(value) == expected)
        }

        @Test("halfHash is base64url of the first 16 bytes of SHA-256", arguments: 0..<50 as Range<UInt64>)
        func halfHashShape(seed: UInt64) {
            var random = SplitMix64(state: seed)
            let value = Base64URL.encode(JWSVectors.bytes(Int.random(in: 0...64, using: &random), using: &random))
            let foundation = Data(SHA256.hash(value).bytes.prefix(16)).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(JWT.halfHash(value) == foundation)
            #expect(JWT.halfHash(value).utf8.count == 22)
        }
    }
}
