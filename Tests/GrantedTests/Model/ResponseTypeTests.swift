import Testing

@testable import Granted

@Suite("Response types (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Types)")
struct ResponseTypeTests {
    @Test(
        "known values parse in any order (RFC 6749 §3.1.1)",
        arguments: [
            ("code", .code), ("token", .token), ("id_token", .idToken),
            ("id_token token", [.idToken, .token]), ("token id_token", [.idToken, .token]),
            ("code id_token", [.code, .idToken]), ("id_token code", [.code, .idToken]),
            ("code token", [.code, .token]), ("code id_token token", [.code, .idToken, .token]),
            ("token code id_token", [.code, .idToken, .token]),
        ] as [(String, ResponseType)])
    func parses(text: String, expected: ResponseType) {
        #expect(ResponseType(parsing: text) == expected)
    }

    @Test(
        "unknown, empty, repeated or oddly spaced values do not parse (RFC 6749 §3.1.1)",
        arguments: [
            "", " ", "Code", "CODE", "code code", "code  token", " code", "code ", "code,token", "code+token",
            "password", "none", "id-token", "token\ttoken",
        ])
    func rejects(text: String) {
        #expect(ResponseType(parsing: text) == nil)
    }

    @Test("each known combination's canonical form parses back to itself", arguments: ResponseType.known)
    func canonicalRoundTrip(type: ResponseType) {
        #expect(ResponseType(parsing: type.description) == type)
    }

    @Test(
        "only code defaults to the query; every other type to the fragment (Multiple Response Types §2.1, §5)",
        arguments: ResponseType.known)
    func defaultMode(type: ResponseType) {
        #expect(type.defaultsToFragment == (type != .code))
    }

    @Test("the canonical form orders code, id_token, token")
    func canonicalOrder() {
        #expect(ResponseType([.token, .idToken, .code]).description == "code id_token token")
    }

    @Test("response modes have their registered names (OAuth 2.0 Form Post Response Mode)")
    func modes() {
        #expect(ResponseMode.allCases.map(\.rawValue) == ["query", "fragment", "form_post"])
    }
}
