import Foundation
import Testing

@testable import Granted

/// Outside review, findings 7 and 10: which redirect URIs a client may register and use
/// (RFC 8252 §7.1, §7.3; RFC 9700 §2.1, §4.1.3).
@Suite("Outside review 7 and 10: redirect URI schemes and loopback ports (RFC 8252 §7)")
struct RedirectURITests {
    static let unsafe = [
        "javascript:alert(document.domain)//", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)", "file:///etc/passwd", "myapp:/callback", "about:blank", "blob:https://a.example/x",
        ":nothing", "ht tp://127.0.0.1/cb",
    ]
    static let safe = [
        "https://app.example.com/callback", "http://127.0.0.1/callback", "http://[::1]:8400/cb",
        "com.example.app:/oauth/callback", "com.example.app:callback",
    ]

    static func registration(_ uri: String) -> ClientRegistration {
        ClientRegistration(
            clientID: "app", clientName: nil, clientSecret: nil, clientSecretHash: nil, redirectURIs: [uri],
            grantTypes: ["authorization_code"], tokenEndpointAuthMethod: "none", scope: nil, requirePKCE: nil)
    }

    @Test("RFC 8252 §7.1, RFC 9700 §4.1.3: registration refuses javascript:, data:, vbscript:, file: and schemes that are neither https, http nor private-use with a dot", arguments: unsafe)
    func registrationRefusesUnsafeScheme(_ uri: String) {
        #expect(throws: ClientRegistration.Problem.malformedRedirectURI) {
            try Self.registration(uri).client(hashingWith: SHA256SecretHasher())
        }
    }

    @Test("RFC 8252 §7.1: registration accepts https, loopback http and private-use schemes with a dot", arguments: safe)
    func registrationAcceptsSafeScheme(_ uri: String) throws {
        let client = try Self.registration(uri).client(hashingWith: SHA256SecretHasher())
        #expect(client.redirectURIs == [uri])
    }

    @Test("RFC 8252 §7.1, RFC 6749 §4.1.2.1: a client registered in code with an unsafe redirect URI is never redirected to it", arguments: unsafe)
    func validationRefusesUnsafeScheme(_ uri: String) async throws {
        let flow = CodeFlow(extraClients: [Client(id: "unsafe-app", redirectURIs: [uri], grantTypes: [.implicit])])
        for mode in ["form_post", "fragment"] {
            let validation = await flow.validate([
                ("response_type", "token"), ("client_id", "unsafe-app"), ("redirect_uri", uri),
                ("response_mode", mode), ("state", "s"),
            ])
            #expect(validation.userFacingError != nil, "\(uri) \(mode): \(validation)")
        }
    }

    @Test("Form Post Response Mode §2, CSP: the auto-submitting page carries a Content-Security-Policy that forbids any other script")
    func formPostHasContentSecurityPolicy() async throws {
        let flow = CodeFlow()
        let response = try await flow.approve(CodeFlow.codeRequest(extra: [("response_mode", "form_post")])).response
        #expect(response.status == 200)
        let policy = try #require(response.headers["Content-Security-Policy"], "no CSP on the form_post page")
        let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(directives.contains("default-src 'none'"))
        let scriptSource = try #require(directives.first { $0.hasPrefix("script-src ") })
        #expect(!scriptSource.contains("unsafe-inline"))
        #expect(scriptSource.contains("'sha256-"))
        #expect(!response.bodyText.contains("onload="), "an inline event handler would need 'unsafe-hashes'")
    }

    // MARK: Finding 10: loopback ports

    static let loopback: ClientID = "port-app"
    static let registered = ["http://127.0.0.1/callback", "http://[::1]/callback", "http://localhost/callback",
                             "https://app.example.com/callback", "http://127.0.0.1:8765/fixed"]

    static func portFlow() -> CodeFlow {
        CodeFlow(extraClients: [Client(id: loopback, redirectURIs: registered, grantTypes: [.authorizationCode])])
    }

    @Test(
        "RFC 8252 §7.3, RFC 9700 §2.1: a loopback IP redirect URI matches whatever port the request names",
        arguments: [
            "http://127.0.0.1:51234/callback", "http://127.0.0.1:1/callback", "http://127.0.0.1:65535/callback",
            "http://[::1]:51234/callback", "http://127.0.0.1:9999/fixed", "http://127.0.0.1/fixed",
        ])
    func loopbackAnyPort(_ given: String) async throws {
        let flow = Self.portFlow()
        let vector = try PKCEVector.rfc7636()
        let parameters = CodeFlow.codeRequest(client: Self.loopback, redirectURI: given, challenge: vector.challenge)
        let request = try await flow.authorizationRequest(parameters)
        #expect(request.redirectURI == given, "the response goes to the port the app listens on")
        let redirect = try await flow.approve(parameters)
        #expect(redirect.target == given)
        let code = try #require(redirect["code"])
        let tokens = try CodeFlow.Tokens(
            await flow.exchange(code, as: .publicClient(Self.loopback), redirectURI: given, verifier: vector.verifier))
        #expect(!tokens.accessToken.isEmpty)
    }

    @Test(
        "RFC 8252 §7.3, §8.3: only IP loopback literals get any port; localhost, other hosts, other paths and malformed ports match exactly",
        arguments: [
            "http://localhost:51234/callback", "https://app.example.com:8443/callback", "http://127.0.0.1:51234/other",
            "http://127.0.0.1:51234/callback/", "http://127.0.0.2:51234/callback", "http://127.0.0.1:abc/callback",
            "http://127.0.0.1:/callback", "http://127.0.0.1:99999/callback", "http://evil@127.0.0.1:5000/callback",
            "https://127.0.0.1:51234/callback", "http://127.0.0.1:51234/callback?x=1", "HTTP://127.0.0.1:51234/callback",
        ])
    func onlyLoopbackLiterals(_ given: String) async {
        let validation = await Self.portFlow().validate(
            CodeFlow.codeRequest(client: Self.loopback, redirectURI: given, challenge: String(repeating: "a", count: 43)))
        #expect(validation.userFacingError != nil, "\(given): \(validation)")
    }
}
