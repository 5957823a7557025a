import Testing

/// Groups the suites of `Sources/Granted/Crypto/`, so `swift test --filter Crypto` runs them all.
@Suite("Crypto")
enum CryptoTests {}
