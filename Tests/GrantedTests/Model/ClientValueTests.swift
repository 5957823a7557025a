import Testing

@testable import Granted

/// `Client` keeps its properties in one shared object: it must still behave as a value.
@Suite("Client as a value")
struct ClientValueTests {
    static func client() -> Client {
        Client(
            id: "c", name: "C", authentication: .clientSecret(SHA256SecretHasher().hash("secret")),
            redirectURIs: ["https://c.example.com/cb"], grantTypes: [.authorizationCode, .refreshToken],
            allowedScopes: [.public], postLogoutRedirectURIs: ["https://c.example.com/bye"])
    }

    @Test("changing a copy leaves the original as it was", arguments: 0..<6)
    func copiesAreIndependent(property: Int) {
        let original = Self.client()
        var copy = original
        #expect(copy == original)
        switch property {
        case 0: copy.name = "D"
        case 1: copy.redirectURIs.append("https://c.example.com/other")
        case 2: copy.grantTypes.remove(.refreshToken)
        case 3: copy.allowedScopes = nil
        case 4: copy.isResourceServer = true
        default: copy.authentication = .none
        }
        #expect(copy != original)
        #expect(original == Self.client())
        #expect(original.name == "C" && original.redirectURIs.count == 1 && original.grantTypes.count == 2)
        #expect(original.allowedScopes == [.public] && !original.isResourceServer && original.isConfidential)
    }

    @Test("clients built apart with the same properties are equal and hash alike")
    func equalByProperties() {
        let first = Self.client()
        let second = Self.client()
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        var renamed = second
        renamed.name = "C"  // same value written back: still equal
        #expect(renamed == first && renamed.hashValue == first.hashValue)
    }
}
