import Foundation

/// Server-provided DPoP nonces (RFC 9449 §8, §9), kept without a store: a nonce is the
/// base64url HMAC-SHA256, under the `ServerKey`, of a domain tag and the index of the time window
/// it was made in. Every process that shares the key makes and accepts the same nonces; the
/// current window's nonce and the previous one's pass, so a nonce lives between one and two
/// `lifetime`s. Nothing is recorded: a nonce bounds how early a proof could have been made,
/// the `jti` check (§11.1) still makes each proof single use.
struct DPoPNonce: Sendable {
    let key: ServerKey
    let lifetime: TimeInterval

    /// The nonce a client should use now (the `DPoP-Nonce` header).
    func current(at now: Date) -> String {
        nonce(window: window(at: now))
    }

    /// Whether `presented` is the nonce of the current window or of the one before, compared
    /// in constant time.
    func accepts(_ presented: String, at now: Date) -> Bool {
        let window = window(at: now)
        let bytes = Array(presented.utf8)
        let current = ConstantTime.equals(bytes, Array(nonce(window: window).utf8))
        let previous = ConstantTime.equals(bytes, Array(nonce(window: window - 1).utf8))
        return current || previous
    }

    private func window(at now: Date) -> Int64 {
        let lifetime = lifetime.isFinite && lifetime >= 1 ? lifetime : 300
        let index = (now.timeIntervalSince1970 / lifetime).rounded(.down)
        return index.isFinite && abs(index) < 1e15 ? Int64(index) : 0
    }

    private func nonce(window: Int64) -> String {
        Base64URL.encode(key.mac("granted dpop nonce\u{0}\(window)").bytes)
    }
}
