import Foundation
import Testing
@testable import Granted

@Suite("Client kinds (RFC 6749 §2.1, §2.3)")
struct ClientKindTests {
    static let hash = SHA256SecretHasher().hash("secret")

    @Test("a client accepts exactly the methods its kind names, and says so by name",
          arguments: [
              (Client.Authentication.none, [ClientAuthenticationMethod.none]),
              (.clientSecret(hash), [.clientSecretBasic, .clientSecretPost]),
              (.clientSecret(hash, methods: .basic), [.clientSecretBasic]),
              (.clientSecret(hash, methods: .post), [.clientSecretPost]),
          ])
    func methods(authentication: Client.Authentication, accepted: [ClientAuthenticationMethod]) {
        let client = Client(id: "c", authentication: authentication, grantTypes: [.clientCredentials])
        for method in [ClientAuthenticationMethod.none, .clientSecretBasic, .clientSecretPost, .init(rawValue: "private_key_jwt")] {
            #expect(client.accepts(method) == accepted.contains(method), "\(method.rawValue)")
        }
        #expect(client.authenticationMethods == Set(accepted))
        #expect(client.isConfidential == (authentication != .none))
    }

    @Test("public clients always need PKCE; confidential ones as registered (RFC 9700 §2.1.1)",
          arguments: [(false, false, true), (false, true, true), (true, false, false), (true, true, true)])
    func pkce(confidential: Bool, registered: Bool, required: Bool) {
        let client = Client(
            id: "c", authentication: confidential ? .clientSecret(Self.hash) : .none, grantTypes: [.authorizationCode],
            requiresPKCE: registered)
        #expect(client.requiresPKCE == required)
        #expect(client.registeredRequiresPKCE == registered)
    }
}
