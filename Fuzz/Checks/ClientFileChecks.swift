import Foundation

#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// The client/fixture JSON loader: never traps; every client it accepts is consistent.
enum ClientFileChecks {
    static func check(_ bytes: [UInt8]) throws {
        guard let store = try? InMemoryClientStore(json: Data(bytes), hashingWith: SHA256SecretHasher()) else { return }
        _ = store
        guard let registrations = try? JSONDecoder().decode([ClientRegistration].self, from: Data(bytes)) else { return }
        for registration in registrations {
            guard let client = try? registration.client(hashingWith: SHA256SecretHasher()) else { continue }
            let hasSecret = registration.clientSecret != nil || registration.clientSecretHash != nil
            try require(client.isConfidential == hasSecret, "secret and method disagree")
            try require(client.redirectURIs.allSatisfy { !$0.contains("#") }, "a fragment in a redirect URI")
        }
    }
}
