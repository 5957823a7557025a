import Testing

@testable import Granted

@Suite("Request target split into path and query (RFC 9112 §3.2, RFC 3986 §3.4)")
struct OAuthRequestTests {
    @Test(
        "the query starts after the first ? and runs to the end",
        arguments: [
            ("/token", "/token", nil), ("/authorize?a=b", "/authorize", "a=b"), ("/a?", "/a", ""),
            ("/a?b?c", "/a", "b?c"), ("?x=1", "", "x=1"), ("/é/ü?q=日本", "/é/ü", "q=日本"),
            // RFC 3986 splits at the byte `?`, even where a combining mark follows it and Swift
            // would count `?` and the mark as one Character.
            ("/p?\u{301}x", "/p", "\u{301}x"),
        ] as [(String, String, String?)])
    func splitsTarget(target: String, path: String, query: String?) {
        let request = OAuthRequest(method: .get, target: target)
        #expect(request.path == path)
        #expect(request.query == query)
    }
}
