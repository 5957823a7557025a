import Foundation
import Testing

@testable import Granted

// The steps of an OpenID Connect flow as `OIDCProvider`'s tests drive them: the host's part
// (interaction, sign-in, consent), the client's part (checking the response, exchanging the
// code, validating every ID token), refresh and UserInfo.

extension OIDCProvider {
    /// What the host did with one authentication request, and where the user agent went.
    struct HostRun: Sendable {
        let request: AuthorizationRequest
        let redirect: CodeFlow.Redirect
        /// The engine asked for the sign-in form (`Interaction.signIn`).
        let signedIn: Bool
        /// The engine asked for the consent page (`Interaction.consent`).
        let askedConsent: Bool
        /// What the engine asked first.
        let firstInteraction: String
    }

    /// Drives one request as a host does (Core §3.1.2.3, §3.1.2.4): validate, ask `interaction`,
    /// sign `user` in when asked (which updates `session`), consent, and approve; or send the
    /// rejection the engine answered.
    func host(
        _ authentication: Authentication, session: inout UserSession?, user: Subject = OIDCProvider.alice,
        method: OAuthRequest.Method = .get
    ) async throws -> HostRun {
        let request = try await self.request(authentication, method: method)
        var interaction = await server.interaction(for: request, session: session)
        let first = Self.name(of: interaction)
        var signedIn = false
        if case .signIn = interaction {
            session = UserSession(subject: user, authTime: clock.now)
            signedIn = true
            interaction = await server.interaction(for: request, session: session, signedInNow: true)
        }
        let response: OAuthResponse
        var askedConsent = false
        switch interaction {
        case .signIn:
            Issue.record("asked to sign in again right after signing in")
            throw HostError.loop
        case .consent(let current, _):
            askedConsent = true
            response = await server.approve(request, subject: current.subject, authTime: current.authTime)
        case .approve(let current):
            response = await server.approve(request, subject: current.subject, authTime: current.authTime)
        case .reject(let rejection, _):
            response = rejection
        }
        return HostRun(
            request: request, redirect: try CodeFlow.Redirect(response), signedIn: signedIn,
            askedConsent: askedConsent, firstInteraction: first)
    }

    enum HostError: Error { case loop }

    static func name(of interaction: Interaction) -> String {
        switch interaction {
        case .signIn: "signIn"
        case .consent: "consent"
        case .approve: "approve"
        case .reject(_, let error): "reject(\(error.code))"
        }
    }
}

// MARK: - Finishing a flow

extension OIDCProvider {
    /// A successful token response (RFC 6749 §5.1; Core §3.1.3.3).
    struct Tokens: Sendable {
        let accessToken: String
        let tokenType: String?
        let expiresIn: Int?
        let scope: String?
        let refreshToken: String?
        let idToken: String?
        let members: Set<String>

        init(_ response: OAuthResponse) throws {
            try #require(response.status == 200, "token request failed: \(response.status) \(response.bodyText)")
            let json = try response.jsonObject()
            accessToken = try #require(json["access_token"] as? String)
            tokenType = json["token_type"] as? String
            expiresIn = (json["expires_in"] as? NSNumber)?.intValue
            scope = json["scope"] as? String
            refreshToken = json["refresh_token"] as? String
            idToken = json["id_token"] as? String
            members = Set(json.keys)
        }
    }

    /// Everything a client got from one authentication, each ID token validated.
    struct Outcome: Sendable {
        let redirect: CodeFlow.Redirect
        let code: String?
        /// From the authorization endpoint (implicit, hybrid).
        let frontAccessToken: String?
        let frontIDToken: JWTClaims?
        /// From the token endpoint, when a code was exchanged.
        let tokens: Tokens?
        let backIDToken: JWTClaims?

        /// The ID token the client ends with: the token endpoint's, else the authorization endpoint's.
        var idToken: JWTClaims? { backIDToken ?? frontIDToken }
        /// The compact form of `idToken`, as a client keeps it (e.g. for `id_token_hint`).
        var rawIDToken: String? { tokens?.idToken ?? redirect["id_token"] }
        var accessToken: String? { tokens?.accessToken ?? frontAccessToken }
        var refreshToken: String? { tokens?.refreshToken }
    }

    /// Checks the authorization response the way the client must and completes the flow: state and
    /// iss echoed, the response type's parts present and no others, the ID token validated, the code
    /// exchanged, the token endpoint's ID token validated and consistent with the first (§3.3.3.6).
    func finish(
        _ redirect: CodeFlow.Redirect, for authentication: Authentication, subject: Subject = OIDCProvider.alice,
        caller: CodeFlow.Caller? = nil, verifier: String? = nil
    ) async throws -> Outcome {
        try #require(redirect.error == nil, "authorization failed: \(redirect.parameters)")
        let responseType = try #require(authentication.parsedResponseType)
        #expect(redirect.mode == authentication.expectedMode)
        #expect(redirect.target == authentication.redirectURI ?? Self.redirectURI(of: authentication.clientID))
        #expect(redirect["state"] == authentication.state)
        #expect(redirect["iss"] == Self.issuer)  // RFC 9207 §2
        #expect(redirect["refresh_token"] == nil, "never a refresh token from the authorization endpoint")

        let code = redirect["code"]
        let frontAccessToken = redirect["access_token"]
        let frontRaw = redirect["id_token"]
        #expect((code != nil) == responseType.contains(.code), "code in \(redirect.names)")
        #expect((frontAccessToken != nil) == responseType.contains(.token), "access_token in \(redirect.names)")
        #expect((frontRaw != nil) == responseType.contains(.idToken), "id_token in \(redirect.names)")
        if frontAccessToken != nil { #expect(redirect["token_type"] == "Bearer") }

        let validator = validator(for: authentication.clientID)
        var frontIDToken: JWTClaims?
        if let frontRaw {
            frontIDToken = try validator.validate(
                frontRaw,
                .init(
                    source: .authorizationEndpoint(responseType), subject: subject, nonce: authentication.nonce,
                    maxAge: authentication.maxAge, accessToken: frontAccessToken, code: code, now: clock.now))
        }
        var tokens: Tokens?
        var backIDToken: JWTClaims?
        if let code {
            let response = await exchange(code, for: authentication, caller: caller, verifier: verifier)
            let exchanged = try Tokens(response)
            #expect(response.isNotCacheable)  // RFC 6749 §5.1; Core §3.1.3.3
            tokens = exchanged
            if OIDCProvider.scopes(authentication.scope).contains(.openid), server.signingKeys != nil {
                let raw = try #require(exchanged.idToken, "an OpenID Connect code exchange returns an id_token")
                backIDToken = try validator.validate(
                    raw,
                    .init(
                        source: .tokenEndpoint, subject: subject, nonce: authentication.nonce,
                        maxAge: authentication.maxAge, accessToken: exchanged.accessToken, code: code, now: clock.now))
            } else {
                #expect(exchanged.idToken == nil, "no id_token without the openid scope or signing keys")
            }
        }
        if let front = frontIDToken, let back = backIDToken {
            // Core §3.3.3.6: both ID tokens name the same issuer and subject.
            #expect(front.issuer == back.issuer)
            #expect(front.subject == back.subject)
        }
        return Outcome(
            redirect: redirect, code: code, frontAccessToken: frontAccessToken, frontIDToken: frontIDToken,
            tokens: tokens, backIDToken: backIDToken)
    }

    /// A fresh user agent: the user signs in and consents, and the flow completes.
    func signIn(
        _ authentication: Authentication, user: Subject = OIDCProvider.alice, method: OAuthRequest.Method = .get
    ) async throws -> Outcome {
        var session: UserSession?
        let run = try await host(authentication, session: &session, user: user, method: method)
        return try await finish(run.redirect, for: authentication, subject: user)
    }

    // MARK: The token endpoint

    /// `grant_type=authorization_code`, repeating the request's redirect URI (RFC 6749 §4.1.3).
    func exchange(
        _ code: String, for authentication: Authentication, caller: CodeFlow.Caller? = nil, verifier: String? = nil
    ) async -> OAuthResponse {
        let caller = caller ?? Self.caller(for: authentication.clientID)
        return await server.token(
            caller.tokenRequest([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", authentication.redirectURI),
                ("code_verifier", verifier),
            ]))
    }

    /// `grant_type=refresh_token` (RFC 6749 §6).
    func refresh(
        _ token: String, as caller: CodeFlow.Caller = .basic(OIDCProvider.rp), scope: String? = nil
    ) async -> OAuthResponse {
        await server.token(
            caller.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", token), ("scope", scope)]))
    }

    /// Refreshes and validates the new ID token against the original (§12.2).
    func refreshValidated(
        _ token: String, original: JWTClaims, client: ClientID = OIDCProvider.rp.clientID,
        subject: Subject = OIDCProvider.alice
    ) async throws -> (tokens: Tokens, idToken: JWTClaims) {
        let tokens = try Tokens(await refresh(token, as: Self.caller(for: client)))
        let raw = try #require(tokens.idToken, "a refresh with openid returns an id_token")
        let claims = try validator(for: client).validate(
            raw,
            .init(
                source: .refresh(original: original), subject: subject, nonce: nil, accessToken: tokens.accessToken,
                now: clock.now))
        return (tokens, claims)
    }

    // MARK: UserInfo

    /// How the access token reaches the UserInfo endpoint (Core §5.3.1; RFC 6750 §2.1, §2.2).
    enum UserInfoCall: String, Sendable, CaseIterable {
        case get = "GET with Authorization"
        case postHeader = "POST with Authorization"
        case postBody = "POST with access_token in the form body"
    }

    static func userInfoRequest(_ token: String, via call: UserInfoCall = .get) -> OAuthRequest {
        switch call {
        case .get:
            OAuthRequest(method: .get, path: "/userinfo", headers: ["Authorization": "Bearer \(token)"])
        case .postHeader:
            OAuthRequest(method: .post, path: "/userinfo", headers: ["Authorization": "Bearer \(token)"])
        case .postBody:
            OAuthRequest.form("/userinfo", FormEncoding.encode([("access_token", token)]))
        }
    }

    func userInfo(_ token: String, via call: UserInfoCall = .get) async -> OAuthResponse {
        await server.userInfo(Self.userInfoRequest(token, via: call))
    }

    /// The claims of a successful UserInfo response (Core §5.3.2).
    func userInfoClaims(_ token: String, via call: UserInfoCall = .get) async throws -> [String: Any] {
        let response = await userInfo(token, via: call)
        try #require(response.status == 200, "userinfo failed: \(response.status) \(response.bodyText)")
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        return try response.jsonObject()
    }
}
