// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// Asymmetric signing for Granted on apple/swift-crypto: RS256, PS256, ES256 and EdDSA signers
/// and verifiers, PEM and JWK import and export, RFC 7638 thumbprints as `kid`, and key rotation.
/// Granted itself stays Foundation only; this package plugs into its `Signer`,
/// `SignatureVerifier` and `PublicKeyVerification` seams.
let package = Package(
    name: "GrantedCrypto",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GrantedCrypto", targets: ["GrantedCrypto"]),
        .executable(name: "granted-jose", targets: ["GrantedJose"]),
        .executable(name: "granted-crypto-bench", targets: ["GrantedCryptoBench"]),
    ],
    dependencies: [
        .package(name: "Granted", path: "../.."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "GrantedCrypto",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "GrantedJose",
            dependencies: ["GrantedCrypto", .product(name: "Granted", package: "Granted")],
            swiftSettings: settings),
        .executableTarget(
            name: "GrantedCryptoBench",
            dependencies: [
                "GrantedCrypto",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "GrantedCryptoTests",
            dependencies: [
                "GrantedCrypto",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
            ],
            swiftSettings: settings),
    ]
)
