import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// A STAND-IN for public-key crypto, for the root package's tests only: Granted is Foundation
/// only and implements no asymmetric algorithm, so here an "ES256" or "RS256" signature is an
/// HMAC-SHA256 keyed with the JWK's public parameters. It exercises everything the engine does
/// around a `PublicKeyVerification` (key selection by `kid`, `alg` pinning, refusing `oct` keys
/// and symmetric algorithms) and nothing of the real algorithms, which `Integrations/GrantedCrypto`
/// implements and tests. Never use it outside tests: anyone with the public key can "sign".
struct StandInKeyVerification: PublicKeyVerification {
    var algorithms: [JWSAlgorithm] = [.es256, .rs256, .ps256]

    func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)? {
        guard algorithms.contains(algorithm), !algorithm.isSymmetric, jwk.key.canCarry(algorithm),
            jwk.algorithm == nil || jwk.algorithm == algorithm,
            let material = Self.publicMaterial(jwk)
        else { return nil }
        return StandInSigner(algorithm: algorithm, keyID: jwk.keyID, material: material)
    }

    /// The public parameters the stand-in MACs with; nil for an `oct` key.
    static func publicMaterial(_ jwk: JWK) -> [UInt8]? {
        switch jwk.key {
        case .rsa(let modulus, let exponent): modulus + exponent
        case .ec(_, let x, let y): x + y
        case .okp(_, let x): x
        case .oct: nil
        }
    }
}

/// Signs and verifies as `StandInKeyVerification` expects (see there: a stand-in, not crypto).
struct StandInSigner: Signer, SignatureVerifier {
    let algorithm: JWSAlgorithm
    let keyID: String?
    let material: [UInt8]

    func sign(_ signingInput: [UInt8]) -> [UInt8] { HMACSHA256(key: material).authenticationCode(for: signingInput).bytes }
    func verify(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        ConstantTime.equals(sign(signingInput), signature)
    }
    var publicJWK: JWK? { nil }
    var verifier: (any SignatureVerifier)? { self }
}

/// A `JWKSetSource` answering fixed sets, counting fetches; an unknown URL throws.
final class StaticJWKSets: JWKSetSource {
    struct Unreachable: Error {}
    let sets: [String: JWKSet]
    init(_ sets: [String: JWKSet]) { self.sets = sets }
    func jwkSet(at uri: String) async throws -> JWKSet {
        guard let set = sets[uri] else { throw Unreachable() }
        return set
    }
}

/// Clients that authenticate with JWT assertions (RFC 7523 §2.2), a server that knows them, and
/// assertions built claim by claim.
enum AssertionFixtures {
    static let issuer = TestServer.issuer
    static let tokenEndpoint = issuer + "/token"
    static let start = TestServer.start
    static let serverKey = ServerKey(random: SeededRandom(seed: 7))

    /// `client_secret_jwt`, its secret derived from `serverKey`.
    static let secretClient: ClientID = "jwt-secret-client"
    static let secretClientIssued = DerivedClientSecret.issue(
        for: secretClient, prefix: "gcs_", key: serverKey, random: SeededRandom(seed: 1))
    /// `client_secret_jwt` and Basic, but with a hashed secret: no assertion can verify.
    static let hashedSecretClient = BasicCredentials(clientID: "jwt-hashed-client", secret: String(repeating: "h", count: 43))
    /// `private_key_jwt` with an EC key (`kid` ec-1, `alg` ES256) and an RSA key (`kid` rsa-1, no `alg`).
    static let keyClient: ClientID = "jwt-key-client"
    /// `private_key_jwt` with its keys at a `jwks_uri`.
    static let uriClient: ClientID = "jwt-uri-client"
    static let jwksURI = "https://client.example.com/jwks.json"

    static let ecKey = JWK(
        .ec(curve: .p256, x: Array(repeating: 1, count: 32), y: Array(repeating: 2, count: 32)), keyID: "ec-1",
        use: .signature, algorithm: .es256)
    static let rsaKey = JWK(.rsa(modulus: Array(repeating: 3, count: 256), exponent: [1, 0, 1]), keyID: "rsa-1")
    /// Pinned to PS256: RS256 with it must fail.
    static let pinnedRSAKey = JWK(
        .rsa(modulus: Array(repeating: 4, count: 256), exponent: [1, 0, 1]), keyID: "rsa-ps", algorithm: .ps256)
    /// Registered for encryption only.
    static let encryptionKey = JWK(
        .ec(curve: .p256, x: Array(repeating: 5, count: 32), y: Array(repeating: 6, count: 32)), keyID: "ec-enc",
        use: .encryption)

    static func signer(_ key: JWK, _ algorithm: JWSAlgorithm, keyID: String?? = .none) -> StandInSigner {
        StandInSigner(
            algorithm: algorithm, keyID: keyID ?? key.keyID, material: StandInKeyVerification.publicMaterial(key) ?? [])
    }

    /// HS256 under the derived secret's UTF-8 octets (OpenID Connect Core §16.19).
    static func secretSigner() throws -> HS256Signer {
        try HS256Signer(key: Array(secretClientIssued.secret.utf8))
    }

    static func clients() -> InMemoryClientStore {
        let keys = JWKSet(keys: [ecKey, rsaKey, pinnedRSAKey, encryptionKey])
        return InMemoryClientStore([
            Client(
                id: secretClient, authentication: .clientSecret(secretClientIssued.stored, methods: [.jwt, .basic]),
                grantTypes: [.clientCredentials, .deviceCode], allowedScopes: [.public]),
            Client(
                id: hashedSecretClient.clientID,
                authentication: .clientSecret(SHA256SecretHasher().hash(hashedSecretClient.secret), methods: [.jwt, .basic]),
                grantTypes: [.clientCredentials]),
            Client(id: keyClient, authentication: .privateKeyJWT(.jwks(keys)), grantTypes: [.clientCredentials]),
            Client(id: uriClient, authentication: .privateKeyJWT(.jwksURI(jwksURI)), grantTypes: [.clientCredentials]),
            Client(
                id: TestServer.service.clientID,
                authentication: .clientSecret(SHA256SecretHasher().hash(TestServer.service.secret)),
                grantTypes: [.clientCredentials]),
        ])
    }

    static func make(
        clock: ManualClock = ManualClock(start), policy: Policy = Policy(),
        verification: (any PublicKeyVerification)? = StandInKeyVerification(),
        store: any GrantStore = InMemoryGrantStore()
    ) -> AuthorizationServer {
        AuthorizationServer(
            issuer: issuer, policy: policy, clients: clients(), store: store, clock: clock, serverKey: serverKey,
            publicKeyVerification: verification,
            jwkSets: StaticJWKSets([jwksURI: JWKSet(keys: [ecKey])]))
    }

    /// Claims a well-formed assertion for `client` carries at `now`: 60 seconds of life.
    static func claims(_ client: ClientID, now: Date = start, jti: String = UUID().uuidString) -> JWTClaims {
        JWTClaims(
            issuer: client.rawValue, subject: client.rawValue, audience: [tokenEndpoint], expiresAt: now + 60,
            issuedAt: now, jwtID: jti)
    }

    static func sign(_ claims: JWTClaims, _ signer: any Signer) -> String {
        (try? JWT.sign(claims, signer: signer)) ?? ""
    }

    /// A compact JWS with any header, payload and signature bytes, for what no signer writes.
    static func raw(header: String, claims: JWTClaims, signature: [UInt8]) -> String {
        let payload = (try? claims.serialized()) ?? []
        return Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payload) + "." + Base64URL.encode(signature)
    }

    /// A client credentials request authenticated by `assertion`.
    static func tokenRequest(
        _ assertion: String, as client: ClientID, sendsClientID: Bool = false,
        extra: [(String, String?)] = [], headers: HeaderFields = [:]
    ) -> OAuthRequest {
        var request = RequestBuilder.form(
            "/token", [("grant_type", "client_credentials")] + extra,
            as: .assertion(assertion, clientID: client, sendsClientID: sendsClientID))
        for field in headers { request.headers.append(field.name, field.value) }
        return request
    }
}
