import Granted

/// A PKCE code verifier and its S256 challenge (RFC 7636 §4.1, §4.2).
public struct PKCEPair: Sendable, Hashable {
    public let verifier: String
    /// `BASE64URL(SHA256(verifier))`.
    public let challenge: String

    public init(verifier: String) {
        self.verifier = verifier
        challenge = Base64URL.encode(Digest256(hashing: verifier).bytes)
    }

    /// A verifier of 43 to 128 unreserved characters drawn from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> PKCEPair {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let count = Int.random(in: 43...128, using: &generator)
        return PKCEPair(verifier: String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
    }
}
