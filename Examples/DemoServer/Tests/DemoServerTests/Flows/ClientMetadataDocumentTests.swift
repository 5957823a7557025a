import Foundation
import Granted
import GrantedTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DemoServer

/// `--client-metadata-documents`: a client known only by the document at its https `client_id`
/// (draft-ietf-oauth-client-id-metadata-document), through the HTML forms; and the demo's
/// `URLSession` source against a server on this machine.
@Suite("client ID metadata documents")
struct ClientMetadataDocumentTests {
    static let clientID = "https://agent.example.com/oauth/client.json"
    static let callback = "http://127.0.0.1:8765/agent-callback"

    static func run(_ test: @Sendable (Client, StaticClientMetadataDocuments) async throws -> Void) async throws {
        let documents = StaticClientMetadataDocuments()
        documents.serve(
            json: StaticClientMetadataDocuments.document(clientID: clientID, redirectURIs: [callback], name: "Agent Smith"),
            at: clientID, cacheControl: "max-age=300")
        var configuration = try DemoHarness.configuration()
        configuration.clientMetadataDocuments = documents
        let demo = try await Demo(configuration)
        let app = demo.application(host: "127.0.0.1", port: 0, logger: DemoHarness.quietLogger)
        try await app.test(.router) { client in try await test(Client(client), documents) }
    }

    @Test("the metadata advertises it only when the demo is started with a source")
    func metadata() async throws {
        try await Self.run { client, _ in
            let document = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(document["client_id_metadata_document_supported"] as? Bool == true)
        }
        try await DemoHarness.run { client in
            let document = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(document["client_id_metadata_document_supported"] == nil)
        }
    }

    @Test("a document client signs in, consents, and redeems its code with PKCE as a public client")
    func codeFlow() async throws {
        try await Self.run { client, documents in
            let request = [
                ("response_type", "code"), ("client_id", Self.clientID), ("redirect_uri", Self.callback),
                ("scope", "public"), ("state", "agent"),
                ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), ("code_challenge_method", "S256"),
            ]
            var page = try await client.get(authorizeURI(request))
            page = try await client.submit(page, [("username", "alice"), ("password", "wonderland")])
            #expect(try HTMLForm(page).isConsent)
            #expect(page.text.contains("Agent Smith"))
            #expect(page.text.contains("describes itself at <strong>agent.example.com</strong>"))
            let redirect = try await client.submit(page, [("decision", "approve")])
            let code = try #require(try redirect.redirectParameters(in: .query)["code"])
            let tokens = try await client.token([
                ("grant_type", "authorization_code"), ("code", code), ("client_id", Self.clientID),
                ("redirect_uri", Self.callback), ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            ])
            #expect(tokens.status == .ok)
            let user = try await client.get("/user", headers: client.bearer(try tokens.string("access_token")))
            #expect(try user.string("username") == "alice")
            #expect(documents.fetches == [Self.clientID])
        }
    }

    @Test("a client_id URL with no valid document is a 400 page, never a redirect")
    func unknownDocument() async throws {
        try await Self.run { client, _ in
            let request = [
                ("response_type", "code"), ("client_id", "https://agent.example.com/missing.json"),
                ("redirect_uri", Self.callback), ("state", "s"),
            ]
            let response = try await client.get(authorizeURI(request))
            #expect(response.status == .badRequest)
            #expect(response.location == nil)
        }
    }

    // MARK: The URLSession source

    /// A server on this machine that serves a document, a redirect, and a body too large.
    static func withDocumentServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/client.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=120"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"client_id":"x"}"#)))
        }
        router.get("/moved.json") { _, _ in
            Response(status: .found, headers: [.location: "/client.json"])
        }
        router.get("/huge.json") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    @Test("the URLSession source answers status, body and freshness, never follows a redirect and cuts off large bodies")
    func urlSessionSource() async throws {
        try await Self.withDocumentServer { port in
            let source = HTTPClientMetadataDocuments(timeout: 5, allowsLoopbackForTesting: true)
            let base = "http://127.0.0.1:\(port)"
            let document = try await source.fetch(try #require(URL(string: base + "/client.json")), limit: 5120)
            #expect(document.status == 200)
            #expect(String(decoding: document.body, as: UTF8.self) == #"{"client_id":"x"}"#)
            #expect(document.freshness == .lifetime(120))
            let moved = try await source.fetch(try #require(URL(string: base + "/moved.json")), limit: 5120)
            #expect(moved.status == 302)
            await #expect(throws: (any Error).self) {
                try await source.fetch(try #require(URL(string: base + "/huge.json")), limit: 5120)
            }
        }
    }

    @Test("the source never connects to a special-use address (§8.6)")
    func specialUse() async throws {
        let source = HTTPClientMetadataDocuments()
        await #expect(throws: HTTPClientMetadataDocuments.Failure.specialUseAddress) {
            try await source.fetch(try #require(URL(string: "https://127.0.0.1/client.json")), limit: 5120)
        }
        await #expect(throws: HTTPClientMetadataDocuments.Failure.notHTTP) {
            try await source.fetch(try #require(URL(string: "http://agent.example.com/client.json")), limit: 5120)
        }
    }

    @Test(
        "special-use IPv4 blocks are refused, global ones are not",
        arguments: [
            ([127, 0, 0, 1], true), ([10, 1, 2, 3], true), ([172, 16, 0, 1], true), ([172, 32, 0, 1], false),
            ([192, 168, 1, 1], true), ([169, 254, 169, 254], true), ([100, 64, 0, 1], true), ([0, 0, 0, 0], true),
            ([224, 0, 0, 1], true), ([255, 255, 255, 255], true), ([93, 184, 215, 14], false), ([8, 8, 8, 8], false),
        ] as [([UInt8], Bool)])
    func ipv4(_ address: [UInt8], _ special: Bool) {
        #expect(SpecialUseAddresses.isSpecialUse(ipv4: address) == special)
    }

    @Test("special-use IPv6 blocks are refused, global unicast is not")
    func ipv6() {
        func address(_ prefix: [UInt8]) -> [UInt8] { prefix + [UInt8](repeating: 0, count: 16 - prefix.count) }
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([])))  // ::
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([]).dropLast() + [1]))  // ::1
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([0xFE, 0x80])))  // link-local
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([0xFD, 0x00])))  // unique local
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([0x20, 0x01, 0x0D, 0xB8])))  // documentation
        #expect(SpecialUseAddresses.isSpecialUse(ipv6: address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1])))
        #expect(!SpecialUseAddresses.isSpecialUse(ipv6: address([0x26, 0x06, 0x28, 0x00])))
    }
}
