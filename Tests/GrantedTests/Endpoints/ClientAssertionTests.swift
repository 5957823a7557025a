import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// JWT client authentication (RFC 7523 §2.2, §3; RFC 7521 §4.2; OpenID Connect Core §9). The
/// `private_key_jwt` cases run over `StandInKeyVerification`, a test stand-in (see there).
///
/// RFC 7523 §3's MUSTs (and §3.2's), each with the tests that fail without it:
/// - preamble, the server MUST validate the JWT by the criteria below: `accepted`, and every
///   `refused` case (`badAssertions`).
/// - item 1, `iss` MUST be present, compared by simple string comparison: `refused` "no iss",
///   "iss and sub another client", "iss and sub the client id in upper case".
/// - item 2, `sub` MUST be present and MUST be the `client_id`: `refused` "no sub", "sub another
///   client", "iss and sub an unknown client"; `formClientIDMismatch`.
/// - item 3, `aud` MUST name this server, compared by simple string comparison: `refused` "no
///   aud", "aud another server", "aud the token endpoint with a trailing slash", "aud the
///   revocation endpoint", "aud the issuer in upper case"; `audiences` (the token endpoint or
///   the issuer, alone or among others).
/// - item 4, `exp` MUST be present and MUST NOT have passed beyond the skew: `refused` "no exp",
///   "expired beyond the leeway"; `GrantSimulation`'s assertion step (expired assertions).
/// - item 5, a present `nbf` MUST NOT be in the future: `refused` "nbf in the future".
/// - item 7, the `jti` (which Core §9 makes REQUIRED) single use until `exp`: `refused` "no jti",
///   "an empty jti"; `replay`, `jtiPerClient`, `replayAfterPurge`, `concurrentReplay`;
///   the store contract's `oneTimeUse`, `oneTimeUseOnce`,
///   `purgeOneTimeUses`; the simulation's assertion step and `BrokenStoreTests`.
/// - item 9, the JWT MUST be signed or MACed and an invalid signature or MAC MUST be rejected:
///   `refused` "alg none", "alg None with a signature", "HS256 under another secret", "a flipped
///   signature byte", "HS256 keyed with the RSA public key", "RS256 with a key pinned to PS256"
///   and the other algorithm cases; `keysNeverVerifySymmetricOrNone`; the `jws` fuzz target.
/// - item 10, the JWT MUST be valid in all other respects (RFC 7519, RFC 7515): `refused`
///   "exp a string, not a NumericDate", "a crit header parameter the server does not
///   understand", "garbage", "five parts (a JWE)", "claims not an object".
/// - §3.2, an invalid client JWT MUST be answered `invalid_client`: every `refused` case, and
///   `ClientAssertionEndpointTests` at revocation, introspection and device authorization.
@Suite("Client assertions: client_secret_jwt and private_key_jwt (RFC 7523 §2.2, §3)")
struct ClientAssertionTests {
    typealias F = AssertionFixtures

    /// The three kinds of client, each with a valid assertion at the fixtures' start.
    enum Kind: String, CaseIterable, Sendable {
        case clientSecretJWT, privateKeyES256, privateKeyRS256, jwksURI

        var client: ClientID {
            switch self {
            case .clientSecretJWT: F.secretClient
            case .privateKeyES256, .privateKeyRS256: F.keyClient
            case .jwksURI: F.uriClient
            }
        }

        func signer() throws -> any Signer {
            switch self {
            case .clientSecretJWT: try F.secretSigner()
            case .privateKeyES256, .jwksURI: F.signer(F.ecKey, .es256)
            case .privateKeyRS256: F.signer(F.rsaKey, .rs256)
            }
        }

        func assertion(_ edit: (inout JWTClaims) -> Void = { _ in }) throws -> String {
            var claims = F.claims(client)
            edit(&claims)
            return F.sign(claims, try signer())
        }
    }

    @Test("a valid assertion authenticates the client it names (RFC 7523 §3)", arguments: Kind.allCases)
    func accepted(kind: Kind) async throws {
        let server = F.make()
        let response = await server.token(F.tokenRequest(try kind.assertion(), as: kind.client))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(try response.jsonObject()["access_token"] is String)
    }

    @Test(
        "aud may be the token endpoint URL, the issuer, or an array holding one (RFC 7523 §3 item 3)",
        arguments: [[F.tokenEndpoint], [F.issuer], ["https://other.example.com", F.issuer]])
    func audiences(audience: [String]) async throws {
        let server = F.make()
        let assertion = try Kind.clientSecretJWT.assertion { $0.audience = audience }
        #expect(await server.token(F.tokenRequest(assertion, as: F.secretClient)).status == 200)
    }

    @Test("client_id in the form may repeat the assertion's client (RFC 7521 §4.2)", arguments: Kind.allCases)
    func formClientID(kind: Kind) async throws {
        let server = F.make()
        let request = F.tokenRequest(try kind.assertion(), as: kind.client, sendsClientID: true)
        #expect(await server.token(request).status == 200)
    }

    /// One way an assertion is wrong; each must be `invalid_client` and record nothing.
    struct BadAssertion: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let kind: Kind
        let make: @Sendable (_ jti: String) throws -> (assertion: String, client: ClientID)

        init(_ name: String, _ kind: Kind = .clientSecretJWT, claims edit: @escaping @Sendable (inout JWTClaims) -> Void) {
            testDescription = name
            self.kind = kind
            make = { jti in
                (try kind.assertion { $0.jwtID = jti; edit(&$0) }, kind.client)
            }
        }

        init(
            _ name: String, _ kind: Kind = .clientSecretJWT,
            raw: @escaping @Sendable (_ claims: JWTClaims) throws -> String
        ) {
            testDescription = name
            self.kind = kind
            make = { jti in (try raw(F.claims(kind.client, jti: jti)), kind.client) }
        }
    }

    static let start = AssertionFixtures.start
    static let badAssertions: [BadAssertion] = [
        // §3 items 1, 2: iss and sub are the client.
        BadAssertion("no iss") { $0.issuer = nil },
        BadAssertion("no sub") { $0.subject = nil },
        BadAssertion("sub another client") { $0.subject = F.keyClient.rawValue },
        BadAssertion("iss and sub another client") {
            $0.issuer = F.keyClient.rawValue
            $0.subject = F.keyClient.rawValue
        },
        BadAssertion("iss and sub an unknown client") {
            $0.issuer = "nobody"
            $0.subject = "nobody"
        },
        // §3 item 1: simple string comparison (RFC 3986 §6.2.1), so no case folding.
        BadAssertion("iss and sub the client id in upper case") {
            $0.issuer = F.secretClient.rawValue.uppercased()
            $0.subject = F.secretClient.rawValue.uppercased()
        },
        // §3 item 3: the audience.
        BadAssertion("no aud") { $0.audience = [] },
        BadAssertion("aud another server") { $0.audience = ["https://other.example.com/token"] },
        BadAssertion("aud the token endpoint with a trailing slash") { $0.audience = [F.tokenEndpoint + "/"] },
        BadAssertion("aud the revocation endpoint") { $0.audience = [F.issuer + "/revoke"] },
        BadAssertion("aud the issuer in upper case") { $0.audience = [F.issuer.uppercased()] },
        // §3 item 4: exp, and a bounded lifetime.
        BadAssertion("no exp") { $0.expiresAt = nil },
        BadAssertion("expired beyond the leeway") { $0.expiresAt = start - 31 },
        BadAssertion("exp beyond the maximum lifetime") { $0.expiresAt = start + 3600 + 31 },
        BadAssertion("exp beyond the maximum lifetime after iat") {
            $0.issuedAt = start - 100
            $0.expiresAt = start + 3600
        },
        // §3 items 5, 6: nbf and iat sane.
        BadAssertion("nbf in the future") { $0.notBefore = start + 31 },
        BadAssertion("iat in the future") { $0.issuedAt = start + 31 },
        BadAssertion("exp before iat") {
            $0.issuedAt = start + 20
            $0.expiresAt = start + 10
        },
        // §3 item 7: a jti.
        BadAssertion("no jti") { $0.jwtID = nil },
        BadAssertion("an empty jti") { $0.jwtID = "" },
        // The signature and its algorithm (RFC 8725 §2.1, §3.1).
        BadAssertion("alg none", raw: { claims in F.raw(header: #"{"alg":"none"}"#, claims: claims, signature: []) }),
        BadAssertion("alg None with a signature", raw: { claims in
            F.raw(header: #"{"alg":"None"}"#, claims: claims, signature: [1, 2, 3])
        }),
        BadAssertion("HS256 under another secret", raw: { claims in
            F.sign(claims, try HS256Signer(key: Array(repeating: 9, count: 32)))
        }),
        BadAssertion("HS256 under the secret's stored record", raw: { claims in
            F.sign(claims, try HS256Signer(key: F.secretClientIssued.stored.value))
        }),
        BadAssertion("a flipped signature byte", raw: { claims in
            let good = F.sign(claims, try F.secretSigner())
            let parts = good.split(separator: ".")
            var signature = Base64URL.decode(parts[2]) ?? []
            signature[0] ^= 1
            return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
        }),
        BadAssertion("HS384 header over an HS256 MAC", raw: { claims in
            let good = F.sign(claims, try F.secretSigner())
            let parts = good.split(separator: ".")
            return Base64URL.encode(Array(#"{"alg":"HS384","typ":"JWT"}"#.utf8)) + "." + parts[1] + "." + parts[2]
        }),
        BadAssertion("ES256 for a client_secret_jwt client", raw: { claims in F.sign(claims, F.signer(F.ecKey, .es256)) }),
        BadAssertion("a hashed secret cannot key an assertion", raw: { _ in
            let id = F.hashedSecretClient.clientID
            return F.sign(F.claims(id), try HS256Signer(key: Array(F.hashedSecretClient.secret.utf8)))
        }),
        BadAssertion("HS256 keyed with the client's public key", .privateKeyES256, raw: { claims in
            F.sign(claims, try HS256Signer(key: StandInKeyVerification.publicMaterial(F.ecKey) ?? []))
        }),
        BadAssertion("HS256 keyed with the RSA public key", .privateKeyRS256, raw: { claims in
            F.sign(claims, try HS256Signer(key: StandInKeyVerification.publicMaterial(F.rsaKey) ?? [], keyID: "rsa-1"))
        }),
        BadAssertion("alg none for a private_key_jwt client", .privateKeyES256, raw: { claims in
            F.raw(header: #"{"alg":"none","kid":"ec-1"}"#, claims: claims, signature: [])
        }),
        BadAssertion("a kid the client did not register", .privateKeyES256, raw: { claims in
            F.sign(claims, F.signer(F.ecKey, .es256, keyID: "ec-2"))
        }),
        BadAssertion("a kid naming another of its keys", .privateKeyES256, raw: { claims in
            F.sign(claims, F.signer(F.ecKey, .es256, keyID: "rsa-1"))
        }),
        BadAssertion("RS256 with a key pinned to PS256", .privateKeyRS256, raw: { claims in
            F.sign(claims, F.signer(F.pinnedRSAKey, .rs256))
        }),
        BadAssertion("ES256 with a key registered for encryption", .privateKeyES256, raw: { claims in
            F.sign(claims, F.signer(F.encryptionKey, .es256))
        }),
        BadAssertion("ES256 from a key it never registered", .privateKeyES256, raw: { claims in
            let stranger = JWK(.ec(curve: .p256, x: Array(repeating: 8, count: 32), y: Array(repeating: 8, count: 32)))
            return F.sign(claims, F.signer(stranger, .es256, keyID: "ec-1"))
        }),
        BadAssertion("ES384, which this host does not verify", .privateKeyES256, raw: { claims in
            F.sign(claims, F.signer(F.ecKey, JWSAlgorithm(rawValue: "ES384")))
        }),
        BadAssertion("the jwks_uri client signed by a key not at its URI", .jwksURI, raw: { claims in
            F.sign(claims, F.signer(F.rsaKey, .rs256))
        }),
        // Not a JWS at all.
        BadAssertion("garbage", raw: { _ in "not-a-jwt" }),
        BadAssertion("five parts (a JWE)", raw: { claims in F.sign(claims, try F.secretSigner()) + ".a.b" }),
        // §3 item 10: valid in all other respects per RFC 7519 (and the JWS under it, RFC 7515).
        BadAssertion("exp a string, not a NumericDate (RFC 7519 §2)", raw: { claims in
            try secretSigned(
                header: #"{"alg":"HS256"}"#,
                payload: #"{"iss":"jwt-secret-client","sub":"jwt-secret-client","aud":"\#(F.tokenEndpoint)","exp":"\#(Int(start.timeIntervalSince1970) + 60)","jti":"\#(claims.jwtID ?? "")"}"#)
        }),
        BadAssertion("a crit header parameter the server does not understand (RFC 7515 §4.1.11)", raw: { claims in
            try secretSigned(header: #"{"alg":"HS256","crit":["exp"],"exp":1}"#, payload: String(decoding: try claims.serialized(), as: UTF8.self))
        }),
        BadAssertion("claims not an object", raw: { _ in
            let body = Base64URL.encode(Array("[1]".utf8))
            let header = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8))
            let signature = try F.secretSigner().sign(Array((header + "." + body).utf8))
            return header + "." + body + "." + Base64URL.encode(signature)
        }),
    ]

    /// A compact JWS of exactly these header and payload texts, MACed under the derived secret.
    static func secretSigned(header: String, payload: String) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(try F.secretSigner().sign(Array(input.utf8)))
    }

    @Test("a registered key never verifies an HMAC or none, whatever its type would carry (RFC 8725 §3.1; RFC 7518 §3.6)", arguments: [
        JWSAlgorithm.hs256, JWSAlgorithm(rawValue: "HS512"), JWSAlgorithm(rawValue: "none"), JWSAlgorithm(rawValue: "NONE"),
    ])
    func keysNeverVerifySymmetricOrNone(algorithm: JWSAlgorithm) {
        for key in [F.ecKey, F.rsaKey, F.pinnedRSAKey, JWK(.okp(curve: .ed25519, x: Array(repeating: 9, count: 32)))] {
            #expect(!AuthorizationServer.mayVerify(key, algorithm, keyID: nil), "\(key) may verify \(algorithm.rawValue)")
            #expect(!AuthorizationServer.mayVerify(key, algorithm, keyID: key.keyID), "\(key) may verify \(algorithm.rawValue)")
        }
    }

    @Test("a wrong assertion is invalid_client (401) and changes nothing (RFC 7521 §4.2.1)", arguments: badAssertions)
    func refused(bad: BadAssertion) async throws {
        let store = InMemoryGrantStore()
        let server = F.make(store: store)
        let jti = "jti-\(bad.testDescription)"
        let (assertion, client) = try bad.make(jti)
        let response = await server.token(F.tokenRequest(assertion, as: client))
        #expect(response.status == 401, "\(response.bodyText)")
        #expect(response.errorCode == "invalid_client")
        // Nothing recorded: the same jti still works in a valid assertion.
        let valid = try bad.kind.assertion { $0.jwtID = jti }
        #expect(await server.token(F.tokenRequest(valid, as: bad.kind.client)).status == 200)
    }

    @Test("client_id in the form naming another client is invalid_client", arguments: Kind.allCases)
    func formClientIDMismatch(kind: Kind) async throws {
        let server = F.make()
        var request = F.tokenRequest(try kind.assertion(), as: kind.client, extra: [("client_id", "service")])
        #expect(await server.token(request).errorCode == "invalid_client")
        request = F.tokenRequest(try kind.assertion(), as: kind.client, extra: [("client_id", kind.client.rawValue + " ")])
        #expect(await server.token(request).errorCode == "invalid_client")
    }

    @Test("an unknown client_assertion_type is invalid_client", arguments: [
        "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "URN:IETF:PARAMS:OAUTH:CLIENT-ASSERTION-TYPE:JWT-BEARER",
    ])
    func unknownType(type: String) async throws {
        let server = F.make()
        let request = OAuthRequest.form(
            "/token",
            FormEncoder.encode([
                ("grant_type", "client_credentials"), ("client_assertion_type", type),
                ("client_assertion", try Kind.clientSecretJWT.assertion()),
            ]))
        #expect(await server.token(request).errorCode == "invalid_client")
    }

    /// Exactly one authentication method per request (RFC 6749 §2.3).
    enum Mixed: String, CaseIterable, Sendable {
        case withBasic, withSecret, withoutType, withoutAssertion, repeatedAssertion
    }

    @Test("an assertion beside another method, or half of one, is invalid_request (RFC 6749 §2.3)", arguments: Mixed.allCases)
    func mixedMethods(mixed: Mixed) async throws {
        let server = F.make()
        let assertion = try Kind.clientSecretJWT.assertion()
        let type = ClientAssertion.type
        let parameters: [(String, String?)]
        var headers: HeaderFields = [:]
        switch mixed {
        case .withBasic:
            parameters = [("client_assertion_type", type), ("client_assertion", assertion)]
            headers = ["Authorization": TestServer.service.headerValue]
        case .withSecret:
            parameters = [("client_assertion_type", type), ("client_assertion", assertion), ("client_secret", "x")]
        case .withoutType: parameters = [("client_assertion", assertion)]
        case .withoutAssertion: parameters = [("client_assertion_type", type), ("client_id", F.secretClient.rawValue)]
        case .repeatedAssertion:
            parameters = [("client_assertion_type", type), ("client_assertion", assertion), ("client_assertion", assertion)]
        }
        let request = OAuthRequest.form(
            "/token", FormEncoder.encode([("grant_type", "client_credentials")] + parameters), headers: headers)
        let response = await server.token(request)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_request")
        // Nothing was recorded: the same assertion still works alone.
        #expect(await server.token(F.tokenRequest(assertion, as: F.secretClient)).status == 200)
    }

    @Test("a jti works once: a replay is invalid_client (RFC 7523 §3 item 7)", arguments: Kind.allCases)
    func replay(kind: Kind) async throws {
        let server = F.make()
        let assertion = try kind.assertion()
        #expect(await server.token(F.tokenRequest(assertion, as: kind.client)).status == 200)
        let replayed = await server.token(F.tokenRequest(assertion, as: kind.client))
        #expect(replayed.status == 401)
        #expect(replayed.errorCode == "invalid_client")
    }

    @Test("two clients may use the same jti; one client may not reuse it in a new assertion")
    func jtiPerClient() async throws {
        let server = F.make()
        let first = try Kind.clientSecretJWT.assertion { $0.jwtID = "shared" }
        let other = try Kind.privateKeyES256.assertion { $0.jwtID = "shared" }
        let again = try Kind.clientSecretJWT.assertion {
            $0.jwtID = "shared"
            $0.expiresAt = F.start + 120
        }
        #expect(await server.token(F.tokenRequest(first, as: F.secretClient)).status == 200)
        #expect(await server.token(F.tokenRequest(other, as: F.keyClient)).status == 200)
        #expect(await server.token(F.tokenRequest(again, as: F.secretClient)).errorCode == "invalid_client")
    }

    @Test("a jti is remembered until its exp and the leeway have passed, even across a purge")
    func replayAfterPurge() async throws {
        let clock = ManualClock(F.start)
        let store = InMemoryGrantStore()
        let server = F.make(clock: clock, store: store)
        let assertion = try Kind.clientSecretJWT.assertion()  // exp = start + 60
        #expect(await server.token(F.tokenRequest(assertion, as: F.secretClient)).status == 200)
        clock.advance(by: 60 + 29)
        _ = try await store.purge(before: clock.now)
        #expect(await server.token(F.tokenRequest(assertion, as: F.secretClient)).errorCode == "invalid_client")
    }

    @Test("50 concurrent uses of one assertion: exactly one is accepted (RFC 7523 §3 item 7)", arguments: 0..<10)
    func concurrentReplay(round: Int) async throws {
        let server = F.make()
        let assertion = try Kind.privateKeyES256.assertion()
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { await server.token(F.tokenRequest(assertion, as: F.keyClient)).status }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1, "round \(round)")
        #expect(statuses.filter { $0 == 401 }.count == 49, "round \(round)")
    }

    @Test("without a PublicKeyVerification, private_key_jwt is refused and not advertised")
    func noVerification() async throws {
        let server = F.make(verification: nil)
        let response = await server.token(F.tokenRequest(try Kind.privateKeyES256.assertion(), as: F.keyClient))
        #expect(response.errorCode == "invalid_client")
        #expect(await server.token(F.tokenRequest(try Kind.clientSecretJWT.assertion(), as: F.secretClient)).status == 200)
    }

    @Test("a failing jwks_uri fetch is the client's failure: 401 invalid_client, nothing recorded (RFC 6749 §5.2)")
    func unreachableJWKS() async throws {
        let store = InMemoryGrantStore()
        let server = AuthorizationServer(
            issuer: F.issuer, clients: F.clients(), store: store, clock: ManualClock(F.start), serverKey: F.serverKey,
            publicKeyVerification: StandInKeyVerification(), jwkSets: StaticJWKSets([:]))
        let assertion = try Kind.jwksURI.assertion()
        let response = await server.token(F.tokenRequest(assertion, as: F.uriClient))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_client")
        // Nothing written: the jti is still free, so the same assertion passes once the keys are reachable.
        let reachable = AuthorizationServer(
            issuer: F.issuer, clients: F.clients(), store: store, clock: ManualClock(F.start), serverKey: F.serverKey,
            publicKeyVerification: StandInKeyVerification(), jwkSets: StaticJWKSets([F.jwksURI: JWKSet(keys: [F.ecKey])]))
        #expect(await reachable.token(F.tokenRequest(assertion, as: F.uriClient)).status == 200)
        let noSource = AuthorizationServer(
            issuer: F.issuer, clients: F.clients(), clock: ManualClock(F.start), serverKey: F.serverKey,
            publicKeyVerification: StandInKeyVerification())
        #expect(await noSource.token(F.tokenRequest(try Kind.jwksURI.assertion(), as: F.uriClient)).errorCode == "invalid_client")
    }

    @Test("a store failure recording the jti is server_error")
    func storeDown() async throws {
        let faulty = FaultInjectingStore(InMemoryGrantStore())
        let server = F.make(store: faulty)
        faulty.arm(call: 0, timing: .beforeWrite)
        let response = await server.token(F.tokenRequest(try Kind.clientSecretJWT.assertion(), as: F.secretClient))
        #expect(response.errorCode == "server_error")
    }
}
