import Foundation
import Testing
@_spi(Benchmarks) @testable import Granted
import GrantedTesting

@Suite("Resource indicators (RFC 8707)")
struct ResourceIndicatorTests {
    // MARK: §2: the parameter's syntax

    @Test(
        "§2: a resource is an absolute URI without a fragment",
        arguments: [
            "https://api.example.com", "https://tools.example.com/mcp", "http://127.0.0.1:8931/mcp",
            "urn:example:resource", "https://api.example.com/v1?tenant=7", "https://api.example.com/a%20b",
        ])
    func acceptedIdentifiers(value: String) {
        #expect(ResourceIdentifier(rawValue: value)?.rawValue == value)
    }

    @Test(
        "§2: a relative URI, a fragment, no scheme, a bad escape or a space is not a resource",
        arguments: [
            "", "/mcp", "api.example.com", "https://api.example.com/#x", "https://api.example.com#", "1https://x",
            "https://api.example.com/a b", "https://api.example.com/%zz", "https:", ":x", "https://x/\u{e9}",
            String(repeating: "a", count: 2050) + ":x",
        ])
    func refusedIdentifiers(value: String) {
        #expect(ResourceIdentifier(rawValue: value) == nil)
    }

    // MARK: §2: the authorization endpoint

    @Test(
        "§2: a malformed or unknown resource at /authorize is redirected as invalid_target with state",
        arguments: ["https://api.example.com/#frag", "/relative", "https://unknown.example.com"])
    func authorizeInvalidTarget(resource: String) async throws {
        let flow = ResourceFlow()
        let validation = await flow.flow.validate(CodeFlow.codeRequest(extra: [("resource", resource)]))
        let redirected = try #require(validation.redirected, "not redirected: \(validation)")
        #expect(redirected.error.code == "invalid_target")
        let location = try #require(redirected.response.headers["Location"])
        #expect(location.hasPrefix(CodeFlow.webAppRedirect + "?"))
        #expect(location.contains("error=invalid_target"))
        #expect(location.contains("state=" + CodeFlow.state))
    }

    @Test("§2: without a registry every resource is invalid_target, and nothing is issued")
    func noRegistry() async throws {
        let flow = CodeFlow()
        let validation = await flow.validate(
            CodeFlow.codeRequest(extra: [("resource", ResourceFlow.api.rawValue)]))
        #expect(validation.redirected?.error.code == "invalid_target")
        let response = await flow.server.token(
            TestServer.tokenRequest(
                [("grant_type", "client_credentials"), ("resource", "https://api.example.com")],
                basic: TestServer.service))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_target")
        #expect(flow.store.accessTokenCount == 0)
    }

    @Test("§2: the request's resources are what the code is for; none means the policy's default")
    func codeRemembersResources() async throws {
        let flow = ResourceFlow()
        let named = try await flow.flow.authorizationRequest(
            CodeFlow.codeRequest(extra: ResourceFlow.resources([ResourceFlow.api.rawValue, ResourceFlow.tools.rawValue])))
        #expect(named.resources == [ResourceFlow.api, ResourceFlow.tools])
        let defaulted = try await flow.flow.authorizationRequest(CodeFlow.codeRequest())
        #expect(defaulted.resources == [ResourceFlow.api])
    }

    // MARK: §2.2: the token endpoint

    @Test("§2.2: a code for two resources is exchanged for a token for both, or narrowed to either")
    func narrowAtExchange() async throws {
        let flow = ResourceFlow()
        let both = [ResourceFlow.api.rawValue, ResourceFlow.reports.rawValue]
        for (asked, expected) in [([String](), Set(both)), ([ResourceFlow.reports.rawValue], [ResourceFlow.reports.rawValue])] {
            let code = try await flow.code(resources: both)
            let tokens = try CodeFlow.Tokens(await flow.exchange(code, resources: asked))
            #expect(Set(try await flow.record(tokens.accessToken).audience.map(\.rawValue)) == expected)
            #expect(Set(try await flow.introspectedAudience(tokens.accessToken)) == expected)
        }
    }

    @Test("§2.2: a resource the code was not issued for is invalid_target, and the code stays redeemable")
    func widenAtExchange() async throws {
        let flow = ResourceFlow()
        let code = try await flow.code(resources: [ResourceFlow.api.rawValue])
        let wider = await flow.exchange(code, resources: [ResourceFlow.api.rawValue, ResourceFlow.tools.rawValue])
        #expect(wider.status == 400)
        #expect(wider.errorCode == "invalid_target")
        #expect(flow.store.accessTokenCount == 0)
        // The refusal burned nothing: the client can still redeem the code as granted.
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        #expect(try await flow.record(tokens.accessToken).audience == [ResourceFlow.api])
    }

    @Test(
        "§2.2: a malformed or unknown resource at /token is invalid_target before anything changes",
        arguments: ["https://tools.example.com/mcp#x", "tools", "https://elsewhere.example.com"])
    func malformedAtToken(resource: String) async throws {
        let flow = ResourceFlow()
        let code = try await flow.code(resources: [ResourceFlow.api.rawValue])
        let response = await flow.exchange(code, resources: [resource])
        #expect(response.errorCode == "invalid_target")
        #expect(try CodeFlow.Tokens(await flow.exchange(code)).accessToken.hasPrefix("gat_"))
    }

    @Test("§2.2: refresh keeps the family's resources, may narrow to a subset, never widen")
    func refreshNarrowsNeverWidens() async throws {
        let flow = ResourceFlow()
        let code = try await flow.code(resources: [ResourceFlow.api.rawValue, ResourceFlow.reports.rawValue])
        // The first token is narrowed to the API; the family keeps both.
        let first = try CodeFlow.Tokens(await flow.exchange(code, resources: [ResourceFlow.api.rawValue]))
        let refreshToken = try #require(first.refreshToken)
        let narrowed = try CodeFlow.Tokens(await flow.refresh(refreshToken, resources: [ResourceFlow.reports.rawValue]))
        #expect(try await flow.record(narrowed.accessToken).audience == [ResourceFlow.reports])
        #expect(narrowed.scope == "profile")
        let next = try #require(narrowed.refreshToken)
        let wider = await flow.refresh(next, resources: [ResourceFlow.tools.rawValue])
        #expect(wider.errorCode == "invalid_target")
        // Refused before the rotation: the same refresh token still works, for the whole grant.
        let whole = try CodeFlow.Tokens(await flow.refresh(next))
        #expect(try await flow.record(whole.accessToken).audience == [ResourceFlow.api, ResourceFlow.reports])
    }

    @Test("§2: client credentials take resources too, and default to the policy's audience")
    func clientCredentials() async throws {
        let flow = ResourceFlow()
        let defaulted = try CodeFlow.Tokens(await flow.clientCredentials())
        #expect(try await flow.record(defaulted.accessToken).audience == [ResourceFlow.api])
        let named = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "profile", resources: [ResourceFlow.reports.rawValue]))
        #expect(try await flow.record(named.accessToken).audience == [ResourceFlow.reports])
    }

    @Test("a token's scopes are those its resources accept; none left is invalid_scope")
    func scopesNarrowedToResources() async throws {
        let flow = ResourceFlow()
        let response = await flow.clientCredentials(scope: "public", resources: [ResourceFlow.reports.rawValue])
        #expect(response.errorCode == "invalid_scope")
        let code = try await flow.code(scope: "public profile", resources: [ResourceFlow.reports.rawValue])
        let tokens = try CodeFlow.Tokens(await flow.exchange(code))
        #expect(tokens.scope == "profile")
        #expect(try await flow.record(tokens.accessToken).scopes == [.profile])
    }

    @Test("the implicit grant's token is for the request's resources")
    func implicitAudience() async throws {
        let flow = ResourceFlow()
        let redirect = try await flow.flow.approve([
            ("response_type", "token"), ("client_id", CodeFlow.implicitApp.rawValue),
            ("redirect_uri", CodeFlow.implicitRedirect), ("scope", "profile"), ("state", "s"),
            ("resource", ResourceFlow.reports.rawValue),
        ])
        let token = try #require(redirect["access_token"])
        #expect(try await flow.record(token).audience == [ResourceFlow.reports])
    }

    // MARK: the guard

    @Test("a guard for a resource refuses a token for another audience: 401 invalid_token naming its metadata")
    func guardChecksAudience() async throws {
        let flow = ResourceFlow()
        let token = try CodeFlow.Tokens(
            await flow.clientCredentials(scope: "profile", resources: [ResourceFlow.reports.rawValue])).accessToken
        #expect(await flow.check(token, at: ResourceFlow.reports).grant != nil)
        let refused = try #require(await flow.check(token, at: ResourceFlow.api).deniedResponse)
        #expect(refused.status == 401)
        let challenge = try #require(refused.headers["WWW-Authenticate"])
        #expect(challenge.contains(#"error="invalid_token""#))
        #expect(challenge.contains(#"resource_metadata="https://api.example.com/.well-known/oauth-protected-resource""#))
        // A guard that names no resource takes any audience, as before resource indicators.
        #expect(await flow.check(token, at: nil).grant != nil)
    }

    @Test("RFC 9728 §5.1: every 401 of a guard with metadata names it, with or without a token")
    func anonymousChallenge() async throws {
        let flow = ResourceFlow()
        let decision = await flow.server.resourceGuard(resource: ResourceFlow.tools)
            .check(TestServer.resourceRequest(), requiring: [])
        let response = try #require(decision.deniedResponse)
        #expect(response.status == 401)
        #expect(
            response.headers["WWW-Authenticate"]
                == #"Bearer realm="api", resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource/mcp""#)
    }

    @Test(
        "RFC 6750 §3: realm is optional; without it the challenge starts with the next parameter",
        arguments: [
            (nil, #"Bearer resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource/mcp""#),
            ("tools", #"Bearer realm="tools", resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource/mcp""#),
        ] as [(String?, String)])
    func optionalRealm(realm: String?, expected: String) async throws {
        let flow = ResourceFlow()
        let resourceGuard = flow.server.resourceGuard(realm: realm, resource: ResourceFlow.tools)
        let anonymous = try #require(await resourceGuard.check(TestServer.resourceRequest(), requiring: []).deniedResponse)
        #expect(anonymous.headers["WWW-Authenticate"] == expected)
        let bad = try #require(
            await resourceGuard.check(TestServer.resourceRequest(["Authorization": "Bearer gat_unknown"]), requiring: []).deniedResponse)
        #expect(bad.headers["WWW-Authenticate"]?.hasPrefix(expected + #", error="invalid_token""#) == true)
    }

    @Test("RFC 6750 §3.1: a 403 names the missing scope with the token's own, and the metadata")
    func stepUpChallenge() async throws {
        let flow = ResourceFlow()
        let token = try CodeFlow.Tokens(await flow.clientCredentials(scope: "public")).accessToken
        let response = try #require(await flow.check(token, at: ResourceFlow.api, requiring: [.profile]).deniedResponse)
        #expect(response.status == 403)
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.contains(#"scope="profile public""#))
        #expect(challenge.contains(#"resource_metadata="https://api.example.com/.well-known/oauth-protected-resource""#))
    }
}

@Suite("Resource rules (RFC 8707 §2)")
struct ResourceRulesTests {
    @Test("narrowing: nil keeps all, a subset is kept, anything else is invalid_target")
    func narrow() throws {
        let granted: Audience = [ResourceFlow.api, ResourceFlow.tools]
        #expect(try ResourceRules.narrow(granted, to: nil) == granted)
        #expect(try ResourceRules.narrow(granted, to: [ResourceFlow.tools]) == [ResourceFlow.tools])
        #expect(throws: OAuthError.invalidTarget("the resource was not part of the original grant")) {
            try ResourceRules.narrow(granted, to: [ResourceFlow.reports])
        }
        #expect(throws: OAuthError.self) { try ResourceRules.narrow([], to: [ResourceFlow.api]) }
    }

    @Test(
        "scopes: kept where a resource accepts them; the issuer's OpenID Connect scopes always",
        arguments: [
            ([ResourceFlow.reports], "openid profile public", "openid profile"),
            ([ResourceFlow.tools], "message.send profile public", "message.send profile public"),
            ([ResourceFlow.tools, ResourceFlow.reports], "message.send profile public", "message.send profile public"),
            ([ResourceFlow.api, ResourceFlow.reports], "email public", "email public"),
            ([], "public profile", "profile public"),
        ] as [(Audience, String, String)])
    func scopes(audience: Audience, asked: String, kept: String) throws {
        let scopes = try ResourceRules.scopes(try ScopeSet.parse(asked), for: audience, policy: ResourceFlow.policy)
        #expect(scopes.description == kept)
    }
}
