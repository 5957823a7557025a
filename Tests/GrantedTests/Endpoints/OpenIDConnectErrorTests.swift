import Foundation
import Testing

@testable import Granted

/// Every error of an OpenID Connect authentication request, by section: what `validate` and
/// `interaction` answer, and how the error reaches the client (or the user).
@Suite("OpenID Connect authentication request errors (Core §3.1.2.1, §3.1.2.6, §3.2.2.1, §6)")
struct OpenIDConnectErrorTests {
    typealias Authentication = OIDCProvider.Authentication

    /// The redirect of an error sent to the client, parsed; records an issue when it is not one.
    static func redirected(_ validation: AuthorizationValidation) throws -> (OAuthError, CodeFlow.Redirect) {
        let (error, response) = try #require(validation.redirected, "not redirected: \(validation)")
        return (error, try CodeFlow.Redirect(response))
    }

    // MARK: validate

    @Test(
        "§3.2.2.1, §3.3.2.11: a response type with id_token and no nonce is invalid_request, in the fragment (or the form_post asked for)",
        arguments: OIDCProvider.idTokenResponseTypes, [nil, "form_post"] as [String?])
    func missingNonce(responseType: String, mode: String?) async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(
            await op.validate(Authentication(responseType: responseType, nonce: nil, responseMode: mode)))
        #expect(error.code == "invalid_request")
        #expect(redirect.error == "invalid_request")
        #expect(redirect.mode == (mode == nil ? .fragment : .formPost))
        #expect(redirect.target == OIDCProvider.rpRedirect)
        #expect(redirect["state"] == "af0ifjsldkj")
        #expect(redirect["iss"] == OIDCProvider.issuer)
        #expect(redirect["id_token"] == nil && redirect["code"] == nil && redirect["access_token"] == nil)
    }

    @Test(
        "§3.1.2.6, §6.1: a request object (request) is request_not_supported, redirected with state",
        arguments: OIDCProvider.responseTypes)
    func requestObject(responseType: String) async throws {
        let op = try OIDCProvider()
        let unsigned = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJycCJ9."
        let (error, redirect) = try Self.redirected(
            await op.validate(Authentication(responseType: responseType, extra: [("request", unsigned)])))
        #expect(error == .requestNotSupported)
        #expect(redirect.error == "request_not_supported")
        #expect(redirect["state"] == "af0ifjsldkj")
        #expect(redirect.mode == (responseType == "code" ? .query : .fragment))
    }

    @Test(
        "§3.1.2.6, §6.2: request_uri is request_uri_not_supported, redirected with state",
        arguments: OIDCProvider.responseTypes)
    func requestURI(responseType: String) async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(
            await op.validate(
                Authentication(
                    responseType: responseType, extra: [("request_uri", "https://rp.example.com/request.jwt")])))
        #expect(error == .requestURINotSupported)
        #expect(redirect.error == "request_uri_not_supported")
        #expect(redirect["state"] == "af0ifjsldkj")
    }

    @Test(
        "§3.1.2.1: prompt=none combined with another value is invalid_request",
        arguments: ["none login", "login none", "none consent", "none select_account"])
    func promptNoneCombined(prompt: String) async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(await op.validate(Authentication(prompt: prompt)))
        #expect(error.code == "invalid_request")
        #expect(redirect.error == "invalid_request")
        #expect(redirect.mode == .query)
        #expect(redirect["state"] == "af0ifjsldkj")
    }

    @Test(
        "§3.1.2.1: max_age that is not a non-negative integer is invalid_request",
        arguments: ["-1", "ten", "1.5", "1e3"])
    func malformedMaxAge(maxAge: String) async throws {
        let op = try OIDCProvider()
        let (error, _) = try Self.redirected(await op.validate(Authentication(extra: [("max_age", maxAge)])))
        #expect(error.code == "invalid_request")
    }

    @Test(
        "§3.2.2.1, §3.3.2.2: an id_token response type without the openid scope is invalid_request",
        arguments: OIDCProvider.idTokenResponseTypes, ["profile", "public email"])
    func idTokenWithoutOpenID(responseType: String, scope: String) async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(
            await op.validate(Authentication(responseType: responseType, scope: scope)))
        #expect(error.code == "invalid_request")
        #expect(redirect.error == "invalid_request")
        #expect(redirect.mode == .fragment)
    }

    @Test(
        "§3.2.2.2 (RFC 6749 §4.2.2.1): a client not allowed the implicit grant asking for id_token is unauthorized_client",
        arguments: ["id_token", "id_token token", "code id_token", "code token", "code id_token token"])
    func implicitNotAllowed(responseType: String) async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(
            await op.validate(.of(OIDCProvider.codeOnly.clientID, responseType: responseType)))
        #expect(error.code == "unauthorized_client")
        #expect(redirect.error == "unauthorized_client")
        #expect(redirect.target == OIDCProvider.codeOnlyRedirect)
        #expect(redirect.mode == .fragment)
        #expect(redirect["state"] == "af0ifjsldkj")
    }

    @Test(
        "§3.1.2.1: an OpenID Connect request without redirect_uri is a user-facing error, even for a client with one URI"
    )
    func missingRedirectURI() async throws {
        let op = try OIDCProvider()
        for responseType in OIDCProvider.responseTypes {
            let validation = await op.validate(Authentication(responseType: responseType, redirectURI: nil))
            #expect(validation.userFacingError?.code == "invalid_request", "\(responseType): \(validation)")
            if case .userFacing(_, let response) = validation {
                #expect(response.status == 400)
                #expect(response.headers["Location"] == nil, "never redirected")
            }
        }
        // Plain OAuth may leave it out when one URI is registered (RFC 6749 §3.1.2.3).
        let oauth = await op.validate(Authentication(responseType: "code", redirectURI: nil, scope: "profile"))
        #expect(oauth.request?.redirectURI == OIDCProvider.rpRedirect)
    }

    @Test(
        "§3.1.2.1 (RFC 6749 §4.1.2.1): an unregistered redirect_uri is a user-facing error, never a redirect",
        arguments: OIDCProvider.responseTypes)
    func unregisteredRedirectURI(responseType: String) async throws {
        let op = try OIDCProvider()
        let validation = await op.validate(
            Authentication(responseType: responseType, redirectURI: "https://rp.example.com/callback/evil"))
        #expect(validation.userFacingError != nil, "\(validation)")
        #expect(validation.redirected == nil)
    }

    @Test("§3.1.2.1 (RFC 6749 §3.1): unknown parameters are ignored", arguments: OIDCProvider.responseTypes)
    func unknownParametersIgnored(responseType: String) async throws {
        let op = try OIDCProvider()
        let request = try await op.request(
            Authentication(
                responseType: responseType,
                extra: [("extra", "foobar"), ("vtr", "[\"Cl.Cm\"]"), ("registration", "{}"), ("x-custom", "")]))
        #expect(request.responseType == ResponseType(parsing: responseType))
        #expect(request.hints["extra"] == nil)
    }

    @Test(
        "§3.1.2.1: display, ui_locales, claims_locales, login_hint, id_token_hint, acr_values reach the host in hints")
    func hintsForTheHost() async throws {
        let op = try OIDCProvider()
        let hints = [
            ("display", "popup"), ("ui_locales", "fr-CA fr en"), ("claims_locales", "se"),
            ("login_hint", "alice@example.com"), ("id_token_hint", "eyJhbGciOiJIUzI1NiJ9.e30.sig"),
            ("acr_values", "urn:mace:incommon:iap:silver 1"),
        ]
        let request = try await op.request(Authentication(extra: hints.map { ($0.0, $0.1) }))
        #expect(request.hints == Dictionary(uniqueKeysWithValues: hints))
        // None of them is required: a request without them has no hints.
        #expect(try await op.request(Authentication()).hints.isEmpty)
    }

    @Test(
        "§3.1.2.1: the authorization endpoint accepts a form POST as well as GET", arguments: OIDCProvider.responseTypes
    )
    func authorizeByPost(responseType: String) async throws {
        let op = try OIDCProvider()
        let authentication = Authentication(responseType: responseType, maxAge: 60)
        let byGet = try await op.request(authentication)
        let byPost = try await op.request(authentication, method: .post)
        #expect(byPost == byGet)
        let outcome = try await op.signIn(authentication, method: .post)
        #expect(outcome.idToken?.subject == OIDCProvider.alice.rawValue)
    }

    @Test("RFC 6749 §3.1.1: a request without response_type is invalid_request, in the query")
    func missingResponseType() async throws {
        let op = try OIDCProvider()
        let (error, redirect) = try Self.redirected(await op.validate(Authentication(responseType: nil)))
        #expect(error.code == "invalid_request")
        #expect(redirect.mode == .query)
    }

    // MARK: interaction (Core §3.1.2.3, §3.1.2.6)

    @Test(
        "§3.1.2.6: prompt=none without a session is login_required, redirected with state",
        arguments: OIDCProvider.responseTypes)
    func promptNoneWithoutSession(responseType: String) async throws {
        let op = try OIDCProvider()
        let authentication = Authentication(responseType: responseType, prompt: "none")
        let request = try await op.request(authentication)
        guard case .reject(let response, let error) = await op.server.interaction(for: request, session: nil) else {
            Issue.record("not rejected")
            return
        }
        #expect(error == .loginRequired)
        let redirect = try CodeFlow.Redirect(response)
        #expect(redirect.error == "login_required")
        #expect(redirect.mode == authentication.expectedMode)
        #expect(redirect["state"] == "af0ifjsldkj")
        #expect(redirect["iss"] == OIDCProvider.issuer)
    }

    @Test(
        "§3.1.2.6: prompt=none with a session but no prior consent is consent_required",
        arguments: OIDCProvider.responseTypes)
    func promptNoneWithoutConsent(responseType: String) async throws {
        let op = try OIDCProvider()
        let request = try await op.request(Authentication(responseType: responseType, prompt: "none"))
        let session = UserSession(subject: OIDCProvider.alice, authTime: op.clock.now)
        guard case .reject(let response, let error) = await op.server.interaction(for: request, session: session) else {
            Issue.record("not rejected")
            return
        }
        #expect(error == .consentRequired)
        #expect(try CodeFlow.Redirect(response).error == "consent_required")
    }

    @Test("§3.1.2.6: prompt=none when consent covers fewer scopes than asked is consent_required")
    func promptNoneWithNarrowerConsent() async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(scope: "openid"), session: &session)
        let request = try await op.request(Authentication(scope: "openid email", prompt: "none"))
        guard case .reject(_, let error) = await op.server.interaction(for: request, session: session) else {
            Issue.record("not rejected")
            return
        }
        #expect(error == .consentRequired)
    }

    @Test("§3.1.2.1: max_age exceeded asks for sign-in, or login_required with prompt=none")
    func maxAgeExceeded() async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(), session: &session)  // signs in and consents at t0
        op.clock.advance(by: 61)

        let interactive = try await op.request(Authentication(maxAge: 60))
        guard case .signIn = await op.server.interaction(for: interactive, session: session) else {
            Issue.record("max_age exceeded must ask for sign-in")
            return
        }
        let silent = try await op.request(Authentication(prompt: "none", maxAge: 60))
        guard case .reject(_, let error) = await op.server.interaction(for: silent, session: session) else {
            Issue.record("max_age exceeded with prompt=none must be refused")
            return
        }
        #expect(error == .loginRequired)
        // Within max_age, nothing is asked of the user.
        let recent = try await op.request(Authentication(prompt: "none", maxAge: 61))
        guard case .approve = await op.server.interaction(for: recent, session: session) else {
            Issue.record("within max_age with prior consent, prompt=none approves")
            return
        }
    }

    @Test("§3.1.2.1: max_age asks for sign-in only when the elapsed time is greater", arguments: [0, 59, 60, 61, 3600])
    func maxAgeBoundary(elapsed: Int) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(), session: &session)
        op.clock.advance(by: TimeInterval(elapsed))
        let request = try await op.request(Authentication(maxAge: 60))
        let interaction = await op.server.interaction(for: request, session: session)
        #expect(OIDCProvider.name(of: interaction) == (elapsed > 60 ? "signIn" : "consent"))
    }

    @Test("§3.1.2.6: prompt=none after the user revoked the client, or for another client, is consent_required")
    func promptNoneAfterRevocation() async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(), session: &session)
        let other = try await op.request(
            Authentication(clientID: OIDCProvider.rp2.clientID, redirectURI: OIDCProvider.rp2Redirect, prompt: "none"))
        #expect(
            OIDCProvider.name(of: await op.server.interaction(for: other, session: session))
                == "reject(consent_required)")
        let silent = try await op.request(Authentication(prompt: "none"))
        #expect(OIDCProvider.name(of: await op.server.interaction(for: silent, session: session)) == "approve")
        #expect(try await op.server.revokeAuthorization(of: OIDCProvider.alice, for: OIDCProvider.rp.clientID))
        #expect(
            OIDCProvider.name(of: await op.server.interaction(for: silent, session: session))
                == "reject(consent_required)")
    }

    @Test("§3.1.2.1: max_age=0 asks for sign-in unless the user signed in during this request")
    func maxAgeZero() async throws {
        let op = try OIDCProvider()
        let request = try await op.request(Authentication(maxAge: 0))
        op.clock.advance(by: 1)
        let session = UserSession(subject: OIDCProvider.alice, authTime: op.clock.now - 1)
        guard case .signIn = await op.server.interaction(for: request, session: session) else {
            Issue.record("max_age=0 with an older session must ask for sign-in")
            return
        }
        let fresh = UserSession(subject: OIDCProvider.alice, authTime: op.clock.now)
        guard case .consent = await op.server.interaction(for: request, session: fresh, signedInNow: true) else {
            Issue.record("signed in now satisfies max_age=0")
            return
        }
    }

    @Test(
        "§3.1.2.1: prompt=login (and select_account) asks for sign-in unless the user signed in now",
        arguments: ["login", "select_account", "login consent"])
    func promptLogin(prompt: String) async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(), session: &session)
        let request = try await op.request(Authentication(prompt: prompt))
        guard case .signIn = await op.server.interaction(for: request, session: session) else {
            Issue.record("prompt=\(prompt) with a session must still ask for sign-in")
            return
        }
        guard case .consent = await op.server.interaction(for: request, session: session, signedInNow: true) else {
            Issue.record("after signing in now, the host goes on to consent")
            return
        }
    }

    @Test("§3.1.2.1: prompt=consent asks again even when the user already consented")
    func promptConsent() async throws {
        let op = try OIDCProvider()
        var session: UserSession?
        _ = try await op.host(Authentication(), session: &session)
        let again = try await op.request(Authentication())
        guard case .consent(_, let previously) = await op.server.interaction(for: again, session: session) else {
            Issue.record("expected consent")
            return
        }
        #expect(previously)
        let forced = try await op.request(Authentication(prompt: "consent"))
        guard case .consent(_, let skippable) = await op.server.interaction(for: forced, session: session) else {
            Issue.record("expected consent")
            return
        }
        #expect(!skippable)
    }

    @Test("§3.1.2.1: an unknown prompt value is invalid_request")
    func unknownPrompt() async throws {
        let op = try OIDCProvider()
        let (error, _) = try Self.redirected(await op.validate(Authentication(prompt: "bogus")))
        #expect(error.code == "invalid_request")
    }
}
