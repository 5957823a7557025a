/// Client secrets the server can compute again but never stores: what `client_secret_jwt`
/// needs (RFC 7523 §2.2; OpenID Connect Core §9 keys HS256 with the secret's UTF-8 octets, Core
/// §16.19), while a copy of the database must still yield no secret.
///
/// The secret is a prefix and the base64url HMAC-SHA256, under the `ServerKey`, of the client id
/// and a random salt. The client record keeps `SecretHash(scheme: "derived", value: salt ‖ prefix)`
/// in the secret's place: with the salt alone nobody learns the secret, and with the server key
/// the server derives it to check an assertion's MAC, or compares it in constant time for
/// `client_secret_basic` and `client_secret_post`.
public enum DerivedClientSecret {
    /// The `SecretHash.scheme` of a derived secret's record.
    public static let scheme = "derived"
    static let saltLength = 32

    /// The record to store for `client`'s new secret, and the secret to hand over once.
    static func issue(for client: ClientID, prefix: String, key: ServerKey, random: any RandomSource)
        -> (secret: String, stored: SecretHash)
    {
        let stored = SecretHash(scheme: scheme, value: random.bytes(saltLength) + Array(prefix.utf8))
        return (secret(for: client, stored: stored, key: key) ?? "", stored)
    }

    /// The secret `stored` stands for; nil when it is not a derived record.
    static func secret(for client: ClientID, stored: SecretHash, key: ServerKey) -> String? {
        guard stored.scheme == scheme, stored.value.count >= saltLength else { return nil }
        let salt = stored.value[..<saltLength]
        let prefix = String(decoding: stored.value[saltLength...], as: UTF8.self)
        let id = client.rawValue
        let mac = key.mac("granted client secret\u{0}\(id.utf8.count):\(id)\u{0}" + Base64URL.encode(Array(salt)))
        return prefix + Base64URL.encode(mac.bytes)
    }
}

extension AuthorizationServer {
    /// A new client secret for `client` that the server can derive again, for a client the host
    /// configures itself (a JSON file, a database row) and that authenticates with
    /// `client_secret_jwt`: store `stored` as the client's `SecretHash`, give `secret` to the
    /// client once. It needs this server's `serverKey`, shared by every process of the store.
    public func issueDerivedClientSecret(for client: ClientID) -> (secret: String, stored: SecretHash) {
        DerivedClientSecret.issue(for: client, prefix: policy.clientSecretPrefix, key: serverKey, random: random)
    }

    /// Checks a presented secret against the stored record: a derived one by deriving it again,
    /// any other by the secret hasher; both in constant time.
    func verifySecret(_ secret: String, of client: ClientID, against stored: SecretHash) -> Bool {
        guard stored.scheme == DerivedClientSecret.scheme else { return secretHasher.verify(secret, against: stored) }
        guard let derived = DerivedClientSecret.secret(for: client, stored: stored, key: serverKey) else { return false }
        return ConstantTime.equals(Array(derived.utf8), Array(secret.utf8))
    }
}
