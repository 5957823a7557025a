import Foundation
import Testing

@testable import Granted
import GrantedTesting

/// The Swift samples of the DocC article "Sender-Constrained Tokens with DPoP"
/// (Sources/Granted/Granted.docc/SenderConstrainedTokens.md), compiled and run here: the article's
/// `swift` blocks must be, in order, the code between the `article block` markers below.
@Suite("Docs: the DPoP article's samples compile and do what it says")
struct DPoPArticleTests {
    static let key = DPoPKey(seed: 111)

    @Test("a separate resource server with the same store and ServerKey takes the nonce the token endpoint gave, and only DPoP")
    func separateResourceServer() async throws {
        // What the article takes as given.
        let environment = ["GRANTED_SERVER_KEY": Base64URL.encode(Array(repeating: 42, count: 32))]
        let hasher = SHA256SecretHasher()
        let clients = InMemoryClientStore([
            Client(
                id: "service", authentication: .clientSecret(hasher.hash("service-secret")),
                grantTypes: [.clientCredentials], allowedScopes: [.public])
        ])
        let store = InMemoryGrantStore()
        let verification = StandInKeyVerification()  // the host's: GrantedCrypto's CryptoKeyVerification()

        // article block begin
        var policy = Policy()
        policy.dpop = DPoPPolicy(algorithms: [.es256], requiresNonce: true)
        policy.resources = ResourceRegistry(
            [ProtectedResource("https://api.example.com")], defaults: ["https://api.example.com"])
        // The same key in every process that shares the store: nonces are derived from it.
        let serverKey = try ServerKey(encoded: environment["GRANTED_SERVER_KEY"] ?? "")
        let server = AuthorizationServer(
            issuer: "https://auth.example.com", policy: policy, clients: clients, store: store,
            serverKey: serverKey, publicKeyVerification: verification)
        // article block end

        // The token endpoint asks for a nonce (§8), then binds the token to the key.
        let service = ClientAuth.basic(BasicCredentials(clientID: "service", secret: "service-secret"))
        let tokenURI = "https://auth.example.com/token"
        let tokenRequest = { (proof: String) in
            DPoPFixture.with([proof], RequestBuilder.clientCredentials(scope: "public", as: service))
        }
        let first = await server.token(tokenRequest(Self.key.proof { $0.htu = tokenURI; $0.iat = Date() }))
        #expect(first.status == 400 && first.errorCode == "use_dpop_nonce")
        let nonce = try #require(first.headers["DPoP-Nonce"])
        let issued = await server.token(
            tokenRequest(Self.key.proof { $0.htu = tokenURI; $0.iat = Date(); $0.nonce = nonce }))
        #expect(issued.status == 200, "\(issued.bodyText)")
        #expect(try issued.jsonObject()["token_type"] as? String == "DPoP")
        let token = try #require(try issued.jsonObject()["access_token"] as? String)

        // article block begin
        var apiGuard = ResourceGuard(
            store: store,
            metadata: ProtectedResourceMetadata(
                resource: "https://api.example.com", authorizationServers: ["https://auth.example.com"]))
        apiGuard.dpop = DPoPVerifier(verification: verification, policy: policy.dpop, store: store, serverKey: serverKey)
        apiGuard.requiresDPoP = true  // only DPoP-bound tokens here (§7.2)
        // article block end

        let uri = "https://api.example.com/messages"
        func call(_ authorization: String, _ proofs: [String]) async -> ResourceGuard.Decision {
            let request = OAuthRequest(method: .get, path: "/messages", headers: ["Authorization": authorization])
            return await apiGuard.check(DPoPFixture.with(proofs, request), requiring: [.public])
        }
        // The nonce the token endpoint gave passes here: the same ServerKey makes the same nonces.
        let proof = Self.key.resourceProof(token, uri: uri, at: Date()) { $0.nonce = nonce }
        let allowed = await call("DPoP \(token)", [proof])
        #expect(allowed.grant?.keyThumbprint == Self.key.thumbprint)
        // The same proof again: its jti is in the shared store (§11.1).
        #expect(await call("DPoP \(token)", [proof]).deniedError == .invalidDPoPProof("the DPoP proof was already used"))
        // Without the nonce: use_dpop_nonce with a DPoP-Nonce to retry with (§9).
        let noNonce = await call("DPoP \(token)", [Self.key.resourceProof(token, uri: uri, at: Date())])
        #expect(noNonce.response?.status == 401)
        #expect(noNonce.response?.headers["DPoP-Nonce"] != nil)
        // A bearer token is refused here, a bound one as Bearer too (§7.2).
        #expect(await call("Bearer \(token)", []).deniedError == .invalidToken)
    }

    @Test("the article's swift blocks are, in order and character for character, the marked code of this file")
    func articleMatchesThisFile() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let article = try String(
            contentsOf: root.appendingPathComponent("Sources/Granted/Granted.docc/SenderConstrainedTokens.md"),
            encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let samples = Self.sections(between: "// article block begin\n", "        // article block end\n", in: source)
            .map(Self.dedented)
        let blocks = Self.sections(between: "```swift\n", "```\n", in: article)
        #expect(samples.count == 2)
        #expect(blocks == samples)
    }

    /// Every text between a `start` and the next `end`, in order.
    static func sections(between start: String, _ end: String, in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: start), let close = rest[open.upperBound...].range(of: end) {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// `text` with the indentation of this file's function bodies taken off each line.
    static func dedented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }
            .joined(separator: "\n")
    }
}
