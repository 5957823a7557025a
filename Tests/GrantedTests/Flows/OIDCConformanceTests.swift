import Foundation
import Testing

@testable import Granted
import GrantedTesting

// The OpenID Foundation conformance suite's OP test plans, module by module
// (github.com/openid-certification/conformance-suite, src/main/java/net/openid/conformance/openid):
// OIDCCBasicTestPlan (response_type code), OIDCCImplicitTestPlan (id_token, id_token token) and
// OIDCCHybridTestPlan (code id_token, code token, code id_token token). Each module below is one
// @Test named by the module's testName, run for at least the response types its plans run it with
// (most for all six), doing what the module does against an engine with static clients, no request
// objects, no dynamic registration and no claims parameter. The suite's human steps (a login page, a screenshot) are
// the host's `interaction` answers here, and its waits move the manual clock.
//
// Every module of the three plans:
//   oidcc-server ............................................ mirrored (all six response types)
//   oidcc-server-client-secret-post ......................... mirrored (code and hybrid)
//   oidcc-response-type-missing ............................. mirrored
//   oidcc-idtoken-signature ................................. mirrored: the suite runs it only for
//       dynamically registered clients and wants RS256; here kid present and alg as advertised
//   oidcc-idtoken-unsigned .................................. NOT APPLICABLE: runs only with dynamic
//       registration (VariantNotApplicable static_client) asking for alg none, which Granted never
//       issues nor advertises (MetadataTests checks none is never listed)
//   oidcc-userinfo-get, -post-header, -post-body ............ mirrored (every type with an access token)
//   oidcc-ensure-request-without-nonce-succeeds-for-code-flow  mirrored (code, code token)
//   oidcc-ensure-request-without-nonce-fails ................ mirrored (implicit plan, hybrid with id_token)
//   oidcc-scope-profile, -email, -address, -phone, -all ..... mirrored (all six)
//   oidcc-ensure-other-scope-order-succeeds ................. mirrored
//   oidcc-display-page, oidcc-display-popup ................. mirrored
//   oidcc-prompt-login ...................................... mirrored
//   oidcc-prompt-none-not-logged-in ......................... mirrored
//   oidcc-prompt-none-logged-in ............................. mirrored
//   oidcc-max-age-1, oidcc-max-age-10000 .................... mirrored
//   oidcc-ensure-request-with-unknown-parameter-succeeds .... mirrored
//   oidcc-id-token-hint ..................................... mirrored
//   oidcc-login-hint, oidcc-ui-locales, oidcc-claims-locales  mirrored
//   oidcc-ensure-request-with-acr-values-succeeds ........... mirrored (acr is a SHOULD, a warning)
//   oidcc-codereuse, oidcc-codereuse-30seconds .............. mirrored (types with a code)
//   oidcc-ensure-registered-redirect-uri .................... mirrored
//   oidcc-ensure-post-request-succeeds ...................... mirrored
//   oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported
//                                                             mirrored: its "rejected as unsupported"
//       branch, request_uri_not_supported (the suite runs it for dynamic clients only)
//   oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported
//                                                             mirrored: request_not_supported
//   oidcc-claims-essential .................................. mirrored: the request must succeed;
//       the claims parameter is ignored (claims_parameter_supported false), as its warnings allow
//   oidcc-ensure-request-object-with-redirect-uri ........... NOT APPLICABLE: checks that a request
//       object's redirect_uri wins over the query's; Granted processes no request objects
//   oidcc-refresh-token ..................................... mirrored (types with a code)
//   oidcc-ensure-request-with-valid-pkce-succeeds ........... mirrored
// And, as the issue asks, from OIDCCDynamicTestPlan (OP-Rotation-OP-Sig):
//   oidcc-server-rotate-keys ................................ mirrored (JWK Set before and after)
@Suite("OpenID Foundation conformance suite: Basic, Implicit and Hybrid OP plans")
struct OIDCConformanceTests {
    typealias Authentication = OIDCProvider.Authentication
    typealias Outcome = OIDCProvider.Outcome

    static let all = OIDCProvider.responseTypes
    static let withCode = OIDCProvider.codeResponseTypes
    static let withAccessToken = OIDCProvider.accessTokenResponseTypes
    static let withFrontIDToken = OIDCProvider.idTokenResponseTypes

    // MARK: Shared steps of the suite's abstract modules

    /// AbstractOIDCCServerTest: one authorization, every check of the happy flow (state, iss, ID
    /// token, c_hash / at_hash, code length, token endpoint, a protected resource call).
    static func happyFlow(
        _ op: OIDCProvider, _ authentication: Authentication, session: inout UserSession?,
        caller: CodeFlow.Caller? = nil, verifier: String? = nil, method: OAuthRequest.Method = .get
    ) async throws -> (run: OIDCProvider.HostRun, outcome: Outcome) {
        let run = try await op.host(authentication, session: &session, method: method)
        let outcome = try await op.finish(run.redirect, for: authentication, caller: caller, verifier: verifier)
        if let code = outcome.code {
            // RFC 6749 §10.10, RFC 6819 §5.1.4.2.2: at least 128 bits of entropy.
            let random = code.drop { $0 != "_" }.dropFirst()
            #expect(random.count >= 22, "code \(code) is too short")
            #expect(random.utf8.allSatisfy(base64URLCharacters.contains))
        }
        if let raw = outcome.tokens?.idToken, let claims = outcome.backIDToken {
            #expect(JWS.parse(raw)?.header.keyID != nil)
            // The suite warns when scope claims leak into a token endpoint ID token (Core §5.4).
            #expect(claims.userClaim("name") == nil)
        }
        // requestProtectedResource: every access token of the flow reaches a resource.
        for token in [outcome.frontAccessToken, outcome.tokens?.accessToken].compactMap({ $0 }) {
            #expect(
                await op.server.resourceGuard().check(
                    TestServer.resourceRequest(["Authorization": "Bearer \(token)"]), requiring: []
                ).grant != nil)
        }
        return (run, outcome)
    }

    static func happyFlow(_ op: OIDCProvider, _ authentication: Authentication) async throws -> Outcome {
        var session: UserSession?
        return try await happyFlow(op, authentication, session: &session).outcome
    }

    /// AbstractOIDCCSameAuthTwiceServerTest: two authorizations in one user agent; the second one's
    /// ID token has the same sub and auth_time, and nobody was asked to sign in again.
    static func sameAuthTwice(
        _ op: OIDCProvider, first: Authentication, second: (Outcome) -> Authentication
    ) async throws -> (first: Outcome, second: Outcome, run: OIDCProvider.HostRun) {
        var session: UserSession?
        let (_, firstOutcome) = try await happyFlow(op, first, session: &session)
        op.clock.advance(by: 2)
        let secondAuthentication = second(firstOutcome)
        let (run, secondOutcome) = try await happyFlow(op, secondAuthentication, session: &session)
        #expect(!run.signedIn, "the second authorization must not ask the user to sign in")
        let firstToken = try #require(firstOutcome.idToken)
        let secondToken = try #require(secondOutcome.idToken)
        #expect(secondToken.subject == firstToken.subject)  // CheckIdTokenSubConsistentForSecondAuthorization
        #expect(secondToken.authTime == firstToken.authTime)  // CheckIdTokenAuthTimeClaimsSameIfPresent
        return (firstOutcome, secondOutcome, run)
    }

    /// AbstractOIDCCScopesServerTest: the scope is advertised; with an access token the claims come
    /// from userinfo with the ID tokens' sub, without one they come in the ID token (Core §5.4).
    static func scopeModule(scope: String, responseType: String) async throws {
        let op = try OIDCProvider()
        let metadata = try await MetadataTests.document(op.server)
        for part in scope.split(separator: " ") {
            #expect(MetadataTests.strings(metadata["scopes_supported"]).contains(String(part)))  // else skipped
        }
        let outcome = try await happyFlow(op, Authentication(responseType: responseType, scope: scope))
        let expected = OIDCScopeClaims.aliceClaims(for: scope)
        if let token = outcome.accessToken {
            let claims = try await op.userInfoClaims(token)
            #expect(Set(claims.keys) == expected)  // VerifyScopesReturnedInUserInfoClaims
            for idToken in [outcome.frontIDToken, outcome.backIDToken].compactMap({ $0 }) {
                #expect(claims["sub"] as? String == idToken.subject)  // Core §5.3.2
            }
        } else {
            let idToken = try #require(outcome.frontIDToken)
            #expect(OIDCScopeClaims.userClaims(in: idToken) == expected)  // VerifyScopesReturnedInAuthorizationEndpointIdToken
        }
    }

    /// A request with one extra parameter the OP must at least not fail on (Core §15.1): the flow
    /// succeeds and the host is handed the value.
    static func hintModule(_ name: String, _ value: String, responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (run, outcome) = try await happyFlow(
            op, Authentication(responseType: responseType).with([(name, value)]), session: &session)
        #expect(run.request.hints[name] == value)
        #expect(outcome.idToken != nil)
    }

    // MARK: Response types and ID tokens

    @Test("oidcc-server: the happy flow, every check of OIDCCServerTest", arguments: all)
    func server(responseType: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await Self.happyFlow(op, Authentication(responseType: responseType))
        #expect(outcome.idToken?.subject == OIDCProvider.alice.rawValue)
        if let response = outcome.tokens {
            #expect(response.tokenType == "Bearer")
            #expect((response.expiresIn ?? 0) > 0)  // ValidateExpiresIn
        }
    }

    @Test("oidcc-server-client-secret-post: the happy flow with client_secret_post", arguments: withCode)
    func serverClientSecretPost(responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (_, outcome) = try await Self.happyFlow(
            op, Authentication(responseType: responseType), session: &session, caller: .body(OIDCProvider.rp))
        #expect(outcome.backIDToken != nil)
    }

    @Test(
        "oidcc-response-type-missing: no response_type is invalid_request (or unsupported_response_type) in the query")
    func responseTypeMissing() async throws {
        let op = try OIDCProvider()
        let validation = await op.validate(Authentication(responseType: nil))
        let (_, response) = try #require(validation.redirected, "\(validation)")
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect.mode == .query)  // no response_type: the response must be in the query
        #expect(["invalid_request", "unsupported_response_type"].contains(redirect.error ?? ""))
        #expect(redirect["state"] == "af0ifjsldkj")
    }

    @Test("oidcc-idtoken-signature: the ID token names its kid and uses the advertised alg", arguments: all)
    func idTokenSignature(responseType: String) async throws {
        let op = try OIDCProvider()
        let advertised = MetadataTests.strings(
            try await MetadataTests.document(op.server)["id_token_signing_alg_values_supported"])
        let outcome = try await Self.happyFlow(op, Authentication(responseType: responseType))
        for raw in [outcome.redirect["id_token"], outcome.tokens?.idToken].compactMap({ $0 }) {
            let header = try #require(JWS.parse(raw)?.header)
            #expect(header.keyID == OIDCProvider.keyID)  // EnsureIdTokenContainsKid (Core §10.1)
            #expect(advertised.contains(header.algorithm.rawValue))
        }
    }

    @Test(
        "oidcc-ensure-request-without-nonce-succeeds-for-code-flow: a code is issued without nonce",
        arguments: ["code", "code token"])
    func withoutNonceSucceedsForCodeFlow(responseType: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await Self.happyFlow(op, Authentication(responseType: responseType, nonce: nil))
        #expect(outcome.code != nil)
        #expect(outcome.backIDToken?.nonce == nil)
    }

    @Test(
        "oidcc-ensure-request-without-nonce-fails: invalid_request when an ID token comes from the authorization endpoint",
        arguments: withFrontIDToken)
    func withoutNonceFails(responseType: String) async throws {
        let op = try OIDCProvider()
        let validation = await op.validate(Authentication(responseType: responseType, nonce: nil))
        let (_, response) = try #require(validation.redirected, "\(validation)")
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect.error == "invalid_request")
        #expect(redirect.mode == .fragment)  // RejectErrorInUrlQuery
        #expect(redirect["state"] == "af0ifjsldkj")
    }

    // MARK: UserInfo

    static func userInfoModule(_ call: OIDCProvider.UserInfoCall, responseType: String) async throws {
        let op = try OIDCProvider()
        let outcome = try await happyFlow(op, Authentication(responseType: responseType, scope: "openid profile email"))
        let claims = try await op.userInfoClaims(try #require(outcome.accessToken), via: call)
        #expect(claims["sub"] as? String == outcome.idToken?.subject)  // EnsureUserInfoContainsSub, Core §5.3.2
        #expect(claims["email"] as? String == "alice@example.com")  // ValidateUserInfoStandardClaims
    }

    @Test("oidcc-userinfo-get: GET with the bearer token", arguments: withAccessToken)
    func userInfoGet(responseType: String) async throws {
        try await Self.userInfoModule(.get, responseType: responseType)
    }

    @Test("oidcc-userinfo-post-header: POST with the bearer token in the header", arguments: withAccessToken)
    func userInfoPostHeader(responseType: String) async throws {
        try await Self.userInfoModule(.postHeader, responseType: responseType)
    }

    @Test("oidcc-userinfo-post-body: POST with access_token in the body", arguments: withAccessToken)
    func userInfoPostBody(responseType: String) async throws {
        try await Self.userInfoModule(.postBody, responseType: responseType)
    }

    // MARK: Scopes

    @Test("oidcc-scope-profile", arguments: all)
    func scopeProfile(responseType: String) async throws {
        try await Self.scopeModule(scope: "openid profile", responseType: responseType)
    }

    @Test("oidcc-scope-email", arguments: all)
    func scopeEmail(responseType: String) async throws {
        try await Self.scopeModule(scope: "openid email", responseType: responseType)
    }

    @Test("oidcc-scope-address", arguments: all)
    func scopeAddress(responseType: String) async throws {
        try await Self.scopeModule(scope: "openid address", responseType: responseType)
    }

    @Test("oidcc-scope-phone", arguments: all)
    func scopePhone(responseType: String) async throws {
        try await Self.scopeModule(scope: "openid phone", responseType: responseType)
    }

    @Test("oidcc-scope-all: address, email, phone and profile", arguments: all)
    func scopeAll(responseType: String) async throws {
        try await Self.scopeModule(scope: "openid address email phone profile", responseType: responseType)
    }

    @Test("oidcc-ensure-other-scope-order-succeeds: email openid, reversed, succeeds (RFC 6749 §3.3)", arguments: all)
    func otherScopeOrder(responseType: String) async throws {
        try await Self.scopeModule(scope: "email openid", responseType: responseType)
    }

    // MARK: Parameters that must not cause an error (Core §15.1)

    @Test("oidcc-display-page", arguments: all)
    func displayPage(responseType: String) async throws {
        try await Self.hintModule("display", "page", responseType: responseType)
    }

    @Test("oidcc-display-popup", arguments: all)
    func displayPopup(responseType: String) async throws {
        try await Self.hintModule("display", "popup", responseType: responseType)
    }

    @Test("oidcc-login-hint", arguments: all)
    func loginHint(responseType: String) async throws {
        try await Self.hintModule("login_hint", "buffy@op.example.com", responseType: responseType)
    }

    @Test("oidcc-ui-locales", arguments: all)
    func uiLocales(responseType: String) async throws {
        try await Self.hintModule("ui_locales", "se", responseType: responseType)
    }

    @Test("oidcc-claims-locales", arguments: all)
    func claimsLocales(responseType: String) async throws {
        try await Self.hintModule("claims_locales", "se", responseType: responseType)
    }

    @Test(
        "oidcc-ensure-request-with-acr-values-succeeds: acr_values 1 2 must not fail; acr in the ID token is only a SHOULD",
        arguments: all)
    func acrValues(responseType: String) async throws {
        try await Self.hintModule("acr_values", "1 2", responseType: responseType)
    }

    @Test(
        "oidcc-ensure-request-with-unknown-parameter-succeeds: extra=foobar is ignored (RFC 6749 §3.1)", arguments: all)
    func unknownParameter(responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (run, _) = try await Self.happyFlow(
            op, Authentication(responseType: responseType).with([("extra", "foobar")]), session: &session)
        #expect(run.request.hints["extra"] == nil)
    }

    @Test(
        "oidcc-claims-essential: a request with an essential name claim succeeds (claims parameter unsupported, ignored)",
        arguments: all)
    func claimsEssential(responseType: String) async throws {
        let op = try OIDCProvider()
        let target = responseType == "id_token" ? "id_token" : "userinfo"
        let claims = #"{"\#(target)":{"name":{"essential":true}}}"#
        let outcome = try await Self.happyFlow(
            op, Authentication(responseType: responseType).with([("claims", claims)]))
        #expect(outcome.idToken != nil)
    }

    // MARK: prompt, max_age, id_token_hint

    @Test(
        "oidcc-prompt-login: a second authorization with prompt=login signs the user in again, with a new auth_time",
        arguments: all)
    func promptLogin(responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (_, first) = try await Self.happyFlow(op, Authentication(responseType: responseType), session: &session)
        op.clock.advance(by: 1)
        let (run, second) = try await Self.happyFlow(
            op, Authentication(responseType: responseType, prompt: "login"), session: &session)
        #expect(run.signedIn)  // ExpectSecondLoginPage
        #expect(run.firstInteraction == "signIn")
        let firstAuthTime = try #require(first.idToken?.authTime)
        let secondAuthTime = try #require(second.idToken?.authTime)
        #expect(secondAuthTime != firstAuthTime)  // CheckIdTokenAuthTimeClaimsDifferIfPresent
    }

    @Test(
        "oidcc-prompt-none-not-logged-in: prompt=none without a session is an error that needs a user interface (Core §3.1.2.6)",
        arguments: all)
    func promptNoneNotLoggedIn(responseType: String) async throws {
        let op = try OIDCProvider()
        let state = String(repeating: "s0-_.~", count: 22).prefix(128)  // a long state must come back intact
        var session: UserSession?
        let run = try await op.host(
            Authentication(responseType: responseType, state: String(state), prompt: "none"), session: &session)
        #expect(!run.signedIn && session == nil)
        let error = try #require(run.redirect.error)
        #expect(
            ["login_required", "interaction_required", "consent_required", "account_selection_required"].contains(error)
        )
        #expect(run.redirect["state"] == String(state))
        #expect(run.redirect.mode == (responseType == "code" ? .query : .fragment))
    }

    @Test(
        "oidcc-prompt-none-logged-in: a second authorization with prompt=none succeeds silently, same sub and auth_time",
        arguments: all)
    func promptNoneLoggedIn(responseType: String) async throws {
        let op = try OIDCProvider()
        let (_, _, run) = try await Self.sameAuthTwice(
            op, first: Authentication(responseType: responseType),
            second: { _ in Authentication(responseType: responseType, prompt: "none") })
        #expect(run.firstInteraction == "approve")
        #expect(!run.askedConsent)
    }

    @Test("oidcc-id-token-hint: prompt=none with the first ID token as id_token_hint succeeds silently", arguments: all)
    func idTokenHint(responseType: String) async throws {
        let op = try OIDCProvider()
        var hint: String?
        let (first, _, run) = try await Self.sameAuthTwice(
            op, first: Authentication(responseType: responseType),
            second: { first in
                hint = first.rawIDToken
                return Authentication(responseType: responseType, prompt: "none").with([
                    ("id_token_hint", first.rawIDToken)
                ])
            })
        let handed = try #require(run.request.hints["id_token_hint"])
        #expect(handed == hint)
        // The host checks the hint names the signed-in user (Core §3.1.2.1); it was signed by this OP.
        let claims = try JWT.verify(handed, expecting: .hs256, verifiers: [op.signer], now: op.clock.now, leeway: 0)
        #expect(claims.subject == first.idToken?.subject)
    }

    @Test(
        "oidcc-max-age-1: after 2 seconds, max_age=1 signs the user in again; auth_time is present and later",
        arguments: all)
    func maxAge1(responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (_, first) = try await Self.happyFlow(op, Authentication(responseType: responseType), session: &session)
        op.clock.advance(by: 2)  // WaitFor2Seconds
        let (run, second) = try await Self.happyFlow(
            op, Authentication(responseType: responseType, maxAge: 1), session: &session)
        #expect(run.signedIn)  // ExpectSecondLoginPage
        let firstAuthTime = try #require(first.idToken?.authTime)
        let secondAuthTime = try #require(second.idToken?.authTime)  // CheckIdTokenAuthTimeClaimPresentDueToMaxAge
        #expect(secondAuthTime > firstAuthTime)  // CheckSecondIdTokenAuthTimeIsLaterIfPresent
        #expect(op.clock.now.timeIntervalSince(secondAuthTime) <= 1)  // CheckIdTokenAuthTimeIsRecentIfPresent
    }

    @Test(
        "oidcc-max-age-10000: max_age=15000 then max_age=10000: no second sign-in, auth_time present and the same",
        arguments: all)
    func maxAge10000(responseType: String) async throws {
        let op = try OIDCProvider()
        let (first, second, _) = try await Self.sameAuthTwice(
            op, first: Authentication(responseType: responseType, maxAge: 15000),
            second: { _ in Authentication(responseType: responseType, maxAge: 10000) })
        #expect(first.idToken?.authTime != nil)
        #expect(second.idToken?.authTime != nil)
    }

    // MARK: Codes

    /// AbstractOIDCCAuthCodeReuse.checkResponse: 400, JSON, invalid_grant, a clean description.
    static func expectCodeReuseRefused(_ response: OAuthResponse) throws {
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(response.errorCode == "invalid_grant")
        let description = try response.jsonObject()["error_description"] as? String ?? ""
        #expect(!description.contains { $0 == "\r" || $0 == "\n" || $0 == "\t" })
        #expect(
            description.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\" })
    }

    @Test("oidcc-codereuse: redeeming a code a second time is invalid_grant (RFC 6749 §4.1.2)", arguments: withCode)
    func codeReuse(responseType: String) async throws {
        let op = try OIDCProvider()
        let authentication = Authentication(responseType: responseType)
        let outcome = try await Self.happyFlow(op, authentication)
        let reuse = await op.exchange(try #require(outcome.code), for: authentication)
        try Self.expectCodeReuseRefused(reuse)
    }

    @Test(
        "oidcc-codereuse-30seconds: 30 s later the reuse is invalid_grant and the first access token is revoked (RFC 6749 §4.1.2)",
        arguments: withCode)
    func codeReuse30Seconds(responseType: String) async throws {
        let op = try OIDCProvider()
        let authentication = Authentication(responseType: responseType)
        let outcome = try await Self.happyFlow(op, authentication)
        op.clock.advance(by: 30)  // WaitFor30Seconds
        let reuse = await op.exchange(try #require(outcome.code), for: authentication)
        try Self.expectCodeReuseRefused(reuse)
        // CallProtectedResourceWithBearerTokenExpectingError: what the first redemption issued is revoked.
        let accessToken = try #require(outcome.tokens?.accessToken)
        #expect(await op.userInfo(accessToken).status == 401)
        let decision = await op.server.resourceGuard().check(
            TestServer.resourceRequest(["Authorization": "Bearer \(accessToken)"]), requiring: [])
        #expect(decision.grant == nil)
        let refreshed = await op.refresh(try #require(outcome.refreshToken))
        #expect(refreshed.errorCode == "invalid_grant")
    }

    @Test(
        "oidcc-ensure-registered-redirect-uri: an unregistered redirect URI gets an error page, never a redirect",
        arguments: all)
    func ensureRegisteredRedirectURI(responseType: String) async throws {
        let op = try OIDCProvider()
        let random = UUID().uuidString.lowercased()
        let validation = await op.validate(
            Authentication(responseType: responseType, redirectURI: "https://rp.example.com/\(random)/callback"))
        guard case .userFacing(let error, let page) = validation else {
            Issue.record("expected an error page: \(validation)")
            return
        }
        #expect(error.code == "invalid_request")
        #expect(page.status == 400)
        #expect(page.headers["Location"] == nil)
        #expect(!page.bodyText.contains(random), "the page never echoes the URI")
    }

    @Test(
        "oidcc-ensure-post-request-succeeds: the authorization request as a form POST (Core §3.1.2.1)", arguments: all)
    func postRequest(responseType: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        let (_, outcome) = try await Self.happyFlow(
            op, Authentication(responseType: responseType), session: &session, method: .post)
        #expect(outcome.idToken != nil)
    }

    @Test(
        "oidcc-ensure-request-with-valid-pkce-succeeds: a confidential client using S256 PKCE (RFC 7636)",
        arguments: ["code", "code id_token"])
    func validPKCE(responseType: String) async throws {
        let op = try OIDCProvider()
        let vector = try PKCEVector.rfc7636()
        var session: UserSession?
        let (_, outcome) = try await Self.happyFlow(
            op,
            Authentication(responseType: responseType).with([
                ("code_challenge", vector.challenge), ("code_challenge_method", "S256"),
            ]),
            session: &session, verifier: vector.verifier)
        #expect(outcome.backIDToken != nil)
    }

    // MARK: Request objects

    @Test(
        "oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: request_not_supported (Core §3.1.2.6)",
        arguments: all)
    func unsignedRequestObject(responseType: String) async throws {
        let op = try OIDCProvider()
        let authentication = Authentication(responseType: responseType)
        let object = try JSONSerialization.data(
            withJSONObject: Dictionary(authentication.parameters.compactMap { name, value in value.map { (name, $0) } })
            { $1 })
        let request = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array(object)) + "."
        let validation = await op.validate(authentication.with([("request", request)]))
        let (_, response) = try #require(validation.redirected, "\(validation)")
        #expect(try CodeFlow.Redirect(response).error == "request_not_supported")
        #expect(
            MetadataTests.strings(
                try await MetadataTests.document(op.server)["request_object_signing_alg_values_supported"]
            ).isEmpty)
    }

    @Test(
        "oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported: request_uri_not_supported (Core §3.1.2.6)",
        arguments: all)
    func requestURIUnsigned(responseType: String) async throws {
        let op = try OIDCProvider()
        let validation = await op.validate(
            Authentication(responseType: responseType).with([("request_uri", "https://rp.example.com/requests/1.jwt")]))
        let (_, response) = try #require(validation.redirected, "\(validation)")
        #expect(try CodeFlow.Redirect(response).error == "request_uri_not_supported")
        #expect(try await MetadataTests.document(op.server)["request_uri_parameter_supported"] as? Bool == false)
    }

    // MARK: Refresh tokens

    @Test(
        "oidcc-refresh-token: refresh gives a consistent ID token (Core §12.2), and a second client's refresh token is refused",
        arguments: withCode)
    func refreshToken(responseType: String) async throws {
        let op = try OIDCProvider()
        var outcomes: [ClientID: Outcome] = [:]
        for client in [OIDCProvider.rp.clientID, OIDCProvider.rp2.clientID] {
            var session: UserSession?
            let (_, outcome) = try await Self.happyFlow(op, .of(client, responseType: responseType), session: &session)
            let refreshToken = try #require(outcome.refreshToken)
            // EnsureRefreshTokenContainsAllowedCharactersOnly (RFC 6749 A.17: VSCHAR).
            #expect(refreshToken.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E })
            op.clock.advance(by: 1)  // WaitForOneSecond, so the iats differ
            let original = try #require(outcome.backIDToken)
            let (tokens, refreshed) = try await op.refreshValidated(refreshToken, original: original, client: client)
            #expect(refreshed.issuedAt != original.issuedAt)  // CompareIdTokenClaims
            #expect(tokens.accessToken != outcome.tokens?.accessToken)  // EnsureAccessTokenValuesAreDifferent
            #expect(await op.userInfo(tokens.accessToken).status == 200)  // requestProtectedResource
            outcomes[client] = Outcome(
                redirect: outcome.redirect, code: outcome.code, frontAccessToken: outcome.frontAccessToken,
                frontIDToken: outcome.frontIDToken, tokens: tokens, backIDToken: refreshed)
        }
        // performSecondClientTests: client 2's refresh token with client 1's credentials.
        let secondClients = try #require(outcomes[OIDCProvider.rp2.clientID]?.refreshToken)
        let crossed = await op.refresh(secondClients, as: .basic(OIDCProvider.rp))
        #expect(crossed.status == 400)
        #expect(crossed.errorCode == "invalid_grant")
    }

    // MARK: Keys

    @Test(
        "oidcc-server-rotate-keys: after rotation the JWK Set has the new signing key and still the old one (Core §10.1.1)"
    )
    func serverRotateKeys() async throws {
        // Fetch & validate current server keys.
        let before = try OIDCProvider(keys: .custom(SigningKeys(active: MetadataTests.rsaSigner("2024-k"))))
        let original = try await MetadataTests.keys(before.server)
        try Self.validateServerJWKs(original)
        // The OP rotates; fetch & validate the new keys.
        let after = try OIDCProvider(
            keys: .custom(
                SigningKeys(active: MetadataTests.rsaSigner("2025-k"), published: [MetadataTests.rsaSigner("2024-k")])))
        let rotated = try await MetadataTests.keys(after.server)
        try Self.validateServerJWKs(rotated)
        let originalIDs = Set(original.compactMap { $0["kid"] as? String })
        let rotatedIDs = Set(rotated.compactMap { $0["kid"] as? String })
        #expect(!rotatedIDs.subtracting(originalIDs).isEmpty)  // VerifyNewJwksHasNewSigningKey
        #expect(originalIDs.isSubset(of: rotatedIDs))  // VerifyNewJwksStillHasOldSigningKey
        #expect(rotated.count == 2)

        // The same rotation with HS256 keys: tokens signed before still verify, new ones carry the new kid.
        let old = try OIDCProvider()
        let oldToken = try #require(try await old.signIn(Authentication(responseType: "code")).tokens?.idToken)
        let newSigner = try HS256Signer(key: Array("granted-oidc-tests-rotated-key-0123456789".utf8), keyID: "k2")
        let new = try OIDCProvider(keys: .custom(SigningKeys(active: newSigner, published: [old.signer])))
        let newToken = try #require(try await new.signIn(Authentication(responseType: "code")).rawIDToken)
        #expect(JWS.parse(newToken)?.header.keyID == "k2")
        for token in [oldToken, newToken] {
            #expect(JWS.verify(token, expecting: .hs256, verifiers: [old.signer, newSigner]) != nil)
        }
        #expect(JWS.verify(newToken, expecting: .hs256, verifiers: [old.signer]) == nil)
    }

    /// ValidateServerJWKs, CheckForKeyIdInServerJWKs, CheckDistinctKeyIdValueInServerJWKs,
    /// EnsureServerJwksDoesNotContainPrivateOrSymmetricKeys.
    static func validateServerJWKs(_ keys: [[String: Any]]) throws {
        #expect(!keys.isEmpty)
        var seen = Set<String>()
        for key in keys {
            let keyID = try #require(key["kid"] as? String, "every key has a kid (Core §10.1)")
            #expect(seen.insert(keyID).inserted, "kid \(keyID) is repeated (RFC 7517 §4.5)")
            #expect(key["kty"] as? String != "oct")
            #expect(Set(key.keys).isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]))
        }
    }
}
