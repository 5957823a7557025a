// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets for GrantedCrypto's parsers of operator- and client-supplied key material.
/// Its own package: the executable links libFuzzer, so it builds only with `-sanitize=fuzzer`
/// and `-parse-as-library` (see `run`), never in a plain `swift build` of GrantedCrypto.
let package = Package(
    name: "GrantedCryptoFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "GrantedCrypto", path: ".."),
        .package(name: "Granted", path: "../../.."),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "GrantedCryptoFuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "Granted", package: "Granted"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ]
)
