import Granted
import Synchronization

/// Granted's `PublicKeyVerification` on swift-crypto: verifiers for keys that arrive at run time
/// (a client's `jwks`, a DPoP proof's `jwk`, an issuer's fetched JWK Set).
///
/// Each verifier is pinned to one algorithm. It refuses a JWK whose `alg` names another one, whose
/// `kty` or `crv` cannot carry the algorithm, whose `use` is not `sig` or whose `key_ops` lack
/// `verify` (RFC 7517 §4.2–4.4), any `oct` key or MAC algorithm (RFC 8725 §2.1, §3.1), and RSA
/// keys under 2048 bits (RFC 7518 §3.3).
///
/// Verifiers it built are kept for the keys seen most recently (``cacheCapacity``, shared by copies
/// of one value): a client authenticating with the same registered key, or a DPoP key sending
/// many proofs, has its key decoded once (an RSA key costs about 3 µs to build, a fifth of a
/// verify). Only public keys are kept, each once it was built from a valid JWK.
public struct CryptoKeyVerification: PublicKeyVerification {
    public let algorithms: [JWSAlgorithm]
    private let cache: VerifierCache

    /// How many built verifiers one `CryptoKeyVerification` keeps.
    public static let cacheCapacity = 256

    /// - Parameter algorithms: the ones to answer for; by default RS256, PS256, ES256 and EdDSA.
    public init(algorithms: [JWSAlgorithm] = [.rs256, .ps256, .es256, .edDSA]) {
        self.algorithms = algorithms.filter { [.rs256, .ps256, .es256, .edDSA].contains($0) }
        self.cache = VerifierCache(capacity: Self.cacheCapacity)
    }

    public func verifier(for jwk: JWK, algorithm: JWSAlgorithm) -> (any SignatureVerifier)? {
        guard algorithms.contains(algorithm), !algorithm.isSymmetric else { return nil }
        if let declared = jwk.algorithm, declared != algorithm { return nil }
        if let use = jwk.use, use != .signature { return nil }
        if let operations = jwk.operations, !operations.contains(.verify) { return nil }
        // Keyed by the whole JWK (key, `kid`, `use`, `key_ops`, `alg`) and the algorithm: a hit
        // answers exactly what building would.
        let entry = VerifierCache.Entry(jwk: jwk, algorithm: algorithm)
        if let cached = cache.verifier(for: entry) { return cached }
        guard let key = try? PublicSigningKey(jwk: jwk),
            let verifier = try? AsymmetricVerifier(key: key, algorithm: algorithm, keyID: jwk.keyID)
        else { return nil }
        cache.keep(verifier, for: entry)
        return verifier
    }

    /// How many verifiers are kept now (for tests).
    var cachedCount: Int { cache.count }
}

/// The verifiers one `CryptoKeyVerification` built, bounded: when full, the oldest half goes, so
/// keys that arrive once each (an attacker's, or many DPoP clients') cannot grow it and recent
/// keys survive a burst of them only if used since.
final class VerifierCache: Sendable {
    struct Entry: Hashable, Sendable {
        let jwk: JWK
        let algorithm: JWSAlgorithm

        /// Equal entries are equal JWKs (every member). The hash reads only the key's octets and
        /// the algorithm, each octet array in one call: `[UInt8]`'s own hash feeds the hasher a
        /// byte at a time, over a microsecond for an RSA modulus.
        func hash(into hasher: inout Hasher) {
            hasher.combine(algorithm.rawValue)
            func octets(_ bytes: [UInt8]) {
                hasher.combine(bytes.count)
                bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            }
            switch jwk.key {
            case .rsa(let modulus, let exponent): octets(modulus); octets(exponent)
            case .ec(_, let x, let y): octets(x); octets(y)
            case .okp(_, let x): octets(x)
            case .oct(let key): octets(key)
            }
        }
    }
    private struct State {
        var verifiers: [Entry: (verifier: AsymmetricVerifier, used: UInt64)] = [:]
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func verifier(for entry: Entry) -> AsymmetricVerifier? {
        state.withLock { state in
            guard let index = state.verifiers.index(forKey: entry) else { return nil }
            state.clock &+= 1
            state.verifiers.values[index].used = state.clock  // one lookup, not two
            return state.verifiers.values[index].verifier
        }
    }

    func keep(_ verifier: AsymmetricVerifier, for entry: Entry) {
        state.withLock { state in
            if state.verifiers.count >= capacity, state.verifiers[entry] == nil {
                // Least recently used half out: one sort per capacity/2 insertions.
                let keep = state.verifiers.sorted { $0.value.used > $1.value.used }.prefix(capacity / 2)
                state.verifiers = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            state.clock &+= 1
            state.verifiers[entry] = (verifier, state.clock)
        }
    }

    var count: Int { state.withLock { $0.verifiers.count } }
}

extension PublicKeyVerification {
    /// The verifiers for every signing key of a JWK Set, each with the algorithm its `alg` names
    /// (keys without `alg` are skipped: an algorithm is never guessed from the token).
    public func verifiers(for set: JWKSet) -> [any SignatureVerifier] {
        set.keys.compactMap { jwk in jwk.algorithm.flatMap { verifier(for: jwk, algorithm: $0) } }
    }
}
