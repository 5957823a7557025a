import Testing

@testable import Granted

@Suite("Secret hashing")
struct SecretHasherTests {
    private let hasher = SHA256SecretHasher()

    @Test(
        "a secret verifies against its own hash and no other secret does",
        arguments: ["service-secret", "", "é🔑", String(repeating: "x", count: 1000)])
    func verifies(secret: String) {
        let stored = hasher.hash(secret)
        #expect(hasher.verify(secret, against: stored))
        #expect(!hasher.verify(secret + "x", against: stored))
        #expect(!hasher.verify(String(secret.dropLast()) + "y", against: stored))
    }

    @Test("the stored value is the SHA-256 of the secret, never the secret (RFC 6819 §5.1.4.1.3)")
    func storesDigest() {
        let stored = hasher.hash("service-secret")
        #expect(stored.scheme == "sha256")
        #expect(stored.value == SHA256.hash("service-secret").bytes)
        #expect(!stored.description.contains("service-secret"))
    }

    @Test(
        "a hash of another scheme or length never verifies",
        arguments: [
            SecretHash(scheme: "bcrypt", value: SHA256.hash("s").bytes),
            SecretHash(scheme: "sha256", value: Array(SHA256.hash("s").bytes.dropLast())),
            SecretHash(scheme: "sha256", value: SHA256.hash("s").bytes + [0]),
            SecretHash(scheme: "sha256", value: []),
        ])
    func foreignHash(stored: SecretHash) {
        #expect(!hasher.verify("s", against: stored))
    }

    @Test("the text form round-trips and refuses text without a scheme or with bad base64url")
    func encoded() {
        let stored = hasher.hash("service-secret")
        #expect(stored.description.hasPrefix("sha256$"))
        #expect(SecretHash(encoded: stored.description) == stored)
        #expect(SecretHash(encoded: "no-dollar") == nil)
        #expect(SecretHash(encoded: "sha256$not base64") == nil)
    }
}
