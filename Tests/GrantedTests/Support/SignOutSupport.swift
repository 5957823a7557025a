import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// An OpenID Provider with logout-aware clients (RP-Initiated Logout 1.0 §3.1, Back-Channel
/// Logout 1.0 §2.2): HS256 ID tokens, an in-memory store, a manual clock.
struct SignOutProvider: Sendable {
    static let issuer = "https://op.example.com"
    static let key = Array("granted-signout-tests-hs256-key-0123456789".utf8)
    static let alice = Subject("alice")
    static let bob = Subject("bob")

    /// Confidential, code and refresh; two post-logout URIs and a back-channel URI.
    static let rp = BasicCredentials(clientID: "rp", secret: "rp-secret")
    static let rpRedirect = "https://rp.example.com/cb"
    static let rpLoggedOut = "https://rp.example.com/logged-out"
    static let rpLoggedOutWithQuery = "https://rp.example.com/bye?from=op"
    static let rpBackChannel = "https://rp.example.com/backchannel"
    /// Confidential; a back-channel URI, no post-logout URI.
    static let rp2 = BasicCredentials(clientID: "rp2", secret: "rp2-secret")
    static let rp2Redirect = "https://rp2.example.com/cb"
    static let rp2BackChannel = "https://rp2.example.com/backchannel"
    /// Confidential; neither.
    static let quiet = BasicCredentials(clientID: "quiet", secret: "quiet-secret")
    static let quietRedirect = "https://quiet.example.com/cb"

    static func clients() -> InMemoryClientStore {
        let hasher = SHA256SecretHasher()
        return InMemoryClientStore([
            Client(
                id: rp.clientID, authentication: .clientSecret(hasher.hash(rp.secret)), redirectURIs: [rpRedirect],
                grantTypes: [.authorizationCode, .refreshToken], postLogoutRedirectURIs: [rpLoggedOut, rpLoggedOutWithQuery],
                backchannelLogoutURI: rpBackChannel, backchannelLogoutSessionRequired: true),
            Client(
                id: rp2.clientID, authentication: .clientSecret(hasher.hash(rp2.secret)), redirectURIs: [rp2Redirect],
                grantTypes: [.authorizationCode, .refreshToken], backchannelLogoutURI: rp2BackChannel),
            Client(
                id: quiet.clientID, authentication: .clientSecret(hasher.hash(quiet.secret)),
                redirectURIs: [quietRedirect], grantTypes: [.authorizationCode, .refreshToken]),
        ])
    }

    static func redirectURI(_ client: BasicCredentials) -> String {
        switch client.clientID {
        case rp2.clientID: rp2Redirect
        case quiet.clientID: quietRedirect
        default: rpRedirect
        }
    }

    let server: AuthorizationServer
    let store: InMemoryGrantStore
    /// `store` as the server sees it: unarmed, every call passes through.
    let faults: FaultInjectingStore
    let clock: ManualClock
    let signer: HS256Signer

    /// - Parameter signsWith: the active signer when not `signer` itself (e.g. one that cannot verify).
    init(
        policy: Policy = Policy(), issuer: String = SignOutProvider.issuer, signsWith: (any Signer)? = nil
    ) throws {
        signer = try HS256Signer(key: Self.key, keyID: "k1")
        clock = ManualClock()
        store = InMemoryGrantStore()
        faults = FaultInjectingStore(store)
        var policy = policy
        policy.allowsSymmetricIDTokenSignatures = true
        policy.knownScopes = policy.knownScopes.union([.offlineAccess])
        server = AuthorizationServer(
            issuer: issuer, policy: policy, clients: Self.clients(), store: faults, clock: clock,
            signingKeys: try SigningKeys(active: signsWith ?? signer))
    }

    /// A session of `subject` signed in now.
    func session(_ subject: Subject = alice, id: String = "session-1") -> UserSession {
        UserSession(subject: subject, authTime: clock.now, id: SessionID(id))
    }

    struct SignedIn: Sendable {
        let idToken: String
        let accessToken: String
        let refreshToken: String?
    }

    /// Approves a code request of `client` in `session` and exchanges the code.
    func signIn(
        _ client: BasicCredentials = rp, session: UserSession, scope: String = "openid"
    ) async throws -> SignedIn {
        let redirect = try await server.approvedRedirect(
            RequestBuilder.codeAuthorization(
                client: client.clientID, redirectURI: Self.redirectURI(client), scope: scope, nonce: "n-1"),
            session: session)
        let code = try #require(redirect.code, "no code: \(redirect.response.headers)")
        let response = await server.token(
            RequestBuilder.authorizationCode(code, redirectURI: Self.redirectURI(client), as: .basic(client)))
        try #require(response.status == 200, "\(response.bodyText)")
        let json = try response.jsonObject()
        return SignedIn(
            idToken: try #require(json["id_token"] as? String), accessToken: try #require(json["access_token"] as? String),
            refreshToken: json["refresh_token"] as? String)
    }

    func refresh(_ token: String, as client: BasicCredentials = rp) async -> OAuthResponse {
        await server.token(RequestBuilder.refreshToken(token, as: .basic(client)))
    }

    /// The claims of one of our JWTs, verified with the provider's key.
    func claims(_ jwt: String) throws -> JWTClaims {
        try JWT.verify(jwt, expecting: .hs256, verifiers: [signer], now: clock.now, leeway: 0)
    }

    /// `GET /logout?…` (or a form POST), from a browser whose session at the host is
    /// `currentSession` (by default the one `session()` makes).
    func endSession(
        _ parameters: [(String, String?)], post: Bool = false, currentSession: SessionID? = "session-1"
    ) async -> EndSessionDecision {
        let request =
            post
            ? OAuthRequest.form("/logout", FormEncoder.encode(parameters))
            : OAuthRequest(method: .get, path: "/logout", query: FormEncoder.encode(parameters))
        return await server.endSession(request, currentSession: currentSession)
    }

    /// `prompt=none` for `client` in `session`, as the host asks it.
    func silentInteraction(_ session: UserSession?, client: BasicCredentials = rp) async throws -> Interaction {
        let validation = await server.validate(
            RequestBuilder.authorize(
                RequestBuilder.codeRequestParameters(
                    client: client.clientID, redirectURI: Self.redirectURI(client), scope: "openid", nonce: "n",
                    extra: [("prompt", "none")])))
        guard case .valid(let request) = validation else { throw UnexpectedResponse("refused") }
        return await server.interaction(for: request, session: session)
    }
}

/// A signer that cannot verify here, as a key in a KMS that only signs: `verifier` is nil.
struct SignOnlySigner: Signer {
    let wrapped: HS256Signer
    var algorithm: JWSAlgorithm { wrapped.algorithm }
    var keyID: String? { wrapped.keyID }
    var publicJWK: JWK? { nil }
    var verifier: (any SignatureVerifier)? { nil }
    func sign(_ signingInput: [UInt8]) throws -> [UInt8] { wrapped.sign(signingInput) }
}

extension EndSessionDecision {
    var redirectLocation: String? {
        if case .signOutAndRedirect(_, let response) = self { response.headers["Location"] } else { nil }
    }
    var isRefusal: Bool { if case .refuse = self { true } else { false } }
    var isConfirmation: Bool { if case .confirm = self { true } else { false } }
    /// Where a `confirm` sends the user once they said yes; nil for no redirect or no `confirm`.
    var confirmedRedirectLocation: String? {
        if case .confirm(_, let redirect?) = self { redirect.headers["Location"] } else { nil }
    }
    var isSignedOutPage: Bool { if case .signOut = self { true } else { false } }
}

extension Interaction {
    var rejectionError: OAuthError? { if case .reject(_, let error) = self { error } else { nil } }
    var approvesSilently: Bool { if case .approve = self { true } else { false } }
}
