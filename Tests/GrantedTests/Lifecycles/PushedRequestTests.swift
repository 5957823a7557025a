import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Pushed requests (RFC 9126 §2.2, §4)")
struct PushedRequestTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let parameters: [PushedRequest.Parameter] = [.init(name: "response_type", value: "code")]

    static func fixture(lifetime: TimeInterval = 60) -> PushedRequest {
        PushedRequest(client: "web", parameters: parameters, issuedAt: t0, expiresAt: t0 + lifetime)
    }

    @Test("a pushed request is usable only before it expires", arguments: [0, 1, 59, 60, 61, 3600])
    func use(afterSeconds seconds: Int) {
        var request = Self.fixture()
        let use = request.use(by: "web", at: Self.t0 + TimeInterval(seconds))
        #expect(use == (seconds < 60 ? .granted(Self.parameters) : .expired))
    }

    @Test("another client's use changes nothing; the pusher's then works")
    func otherClient() {
        var request = Self.fixture()
        #expect(request.use(by: "other", at: Self.t0) == .otherClient)
        #expect(request.state == .pushed)
        #expect(request.use(by: "web", at: Self.t0 + 1) == .granted(Self.parameters))
        #expect(request.deadSince == Self.t0 + 1)
    }

    @Test("however uses are ordered and by whom, at most one is granted, and never after expiry", arguments: 0..<200)
    func grantedAtMostOnce(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var request = Self.fixture()
        let uses = (0..<Int.random(in: 1...8, using: &random)).map { _ in
            (client: ClientID(Bool.random(using: &random) ? "web" : "other"),
             at: Self.t0 + .random(in: 0...90, using: &random))
        }
        let outcomes = uses.map { (use: request.use(by: $0.client, at: $0.at), $0) }
        let granted = outcomes.filter { $0.use == .granted(Self.parameters) }
        #expect(granted.count <= 1)
        #expect(granted.allSatisfy { $0.1.client == "web" && $0.1.at < Self.t0 + 60 })
        // Once granted, every later use is refused as used.
        if let first = outcomes.firstIndex(where: { $0.use == .granted(Self.parameters) }) {
            #expect(outcomes[(first + 1)...].allSatisfy { $0.use == .used })
        }
    }

    @Test("records survive JSON in both states", arguments: [PushedRequest.State.pushed, .used(at: t0 + 2)])
    func codable(state: PushedRequest.State) throws {
        let request = PushedRequest(
            client: "web", parameters: Self.parameters, issuedAt: Self.t0, expiresAt: Self.t0 + 60, state: state)
        #expect(try JSONDecoder().decode(PushedRequest.self, from: JSONEncoder().encode(request)) == request)
    }

    @Test("require_pushed_authorization_requests registers the client's switch (RFC 9126 §6)", arguments: [true, false])
    func registration(required: Bool) throws {
        let metadata = try ClientMetadata(
            json: Array(#"{"redirect_uris":["https://a.example.com/cb"],"require_pushed_authorization_requests":\#(required)}"#.utf8),
            policy: Policy())
        #expect(metadata.requirePushedAuthorizationRequests == required)
        #expect(metadata.client(id: "c", secretHash: nil).requiresPushedAuthorizationRequests == required)
        #expect(metadata.json.count > 0)
        let echoed = try #require(try JSONSerialization.jsonObject(with: Data(metadata.json)) as? [String: Any])
        #expect(echoed["require_pushed_authorization_requests"] as? Bool == required)
        let file = try ClientRegistration.decoded(
            #"{"client_id":"c","grant_types":["authorization_code"],"require_pushed_authorization_requests":\#(required)}"#)
        #expect(try file.client(hashingWith: SHA256SecretHasher()).requiresPushedAuthorizationRequests == required)
    }

    @Test("require_pushed_authorization_requests must be a boolean (RFC 9126 §6)")
    func registrationType() {
        #expect(throws: OAuthError.self) {
            try ClientMetadata(
                json: Array(#"{"redirect_uris":["https://a.example.com/cb"],"require_pushed_authorization_requests":"yes"}"#.utf8),
                policy: Policy())
        }
    }
}

extension ClientRegistration {
    static func decoded(_ json: String) throws -> ClientRegistration {
        try JSONDecoder().decode(ClientRegistration.self, from: Data(json.utf8))
    }
}
