import Foundation
import Testing
@testable import Granted

@Suite("Client identifier URLs (draft-ietf-oauth-client-id-metadata-document §3)")
struct ClientIdentifierURLTests {
    @Test(
        "an https URL with a host and a path is one, kept verbatim",
        arguments: [
            "https://client.example.com/oauth/metadata.json",
            "https://client.example.com/",
            "https://client.example.com:8443/client",
            "https://app.example/client?v=2",  // §3: SHOULD NOT, not MUST NOT
            "https://a-b.example.co.uk/clients/1/metadata",
            "https://client.example.com/a/.well-known/x",
            "https://client.example.com/..hidden/x",
        ])
    func accepted(_ text: String) throws {
        let url = try #require(ClientIdentifierURL(text))
        #expect(url.rawValue == text)
        #expect(url.clientID == ClientID(text))
    }

    @Test(
        "anything else is not, and is left to the registered clients",
        arguments: [
            "http://client.example.com/metadata",  // §3: https only
            "HTTPS://client.example.com/metadata",  // compared as strings: only the lowercase scheme
            "https://client.example.com",  // §3: a path component
            "https://client.example.com?x=1",
            "https://client.example.com/metadata#main",  // §3: no fragment
            "https://user@client.example.com/metadata",  // §3: no user information
            "https://user:pass@client.example.com/metadata",
            "https://client.example.com/a/./b",  // §3: no dot segments
            "https://client.example.com/a/../b",
            "https://client.example.com/..",
            "https://client.example.com/a/%2e%2E/b",
            "https://client.example.com/a\\b",
            "https://client.example.com/a b",
            "https://client.example.com/caf\u{E9}",
            "https://localhost/metadata",  // §8.6: names the server's own network
            "https://app.localhost/metadata",
            "https://127.0.0.1/metadata",
            "https://10.0.0.1/metadata",
            "https://0x7f000001/metadata",
            "https://2130706433/metadata",
            "https://[::1]/metadata",
            "https://client.example.com:0/metadata",
            "https://client.example.com:65536/metadata",
            "https://client.example.com:/metadata",
            "https://client.example.com:x/metadata",
            "https:///metadata",
            "https://.example.com/metadata",
            "https://-example.com/metadata",
            "client-42",
            "",
            "https://client.example.com/" + String(repeating: "a", count: 2048),
        ])
    func refused(_ text: String) {
        #expect(ClientIdentifierURL(text) == nil)
    }

    @Test("the host is what a consent page shows, lowercased (§8.5)")
    func host() throws {
        #expect(try #require(ClientIdentifierURL("https://Client.Example.com:8443/x")).host == "client.example.com")
    }
}
