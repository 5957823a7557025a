// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// `granted`, the operator's command line: clients, tokens, user authorizations, API keys,
/// signing keys, purge and migrations, on a SQLite file or a PostgreSQL database.
let package = Package(
    name: "GrantedCLI",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "granted", targets: ["GrantedCLI"]),
    ],
    dependencies: [
        .package(name: "Granted", path: "../.."),
        .package(name: "GrantedSQLite", path: "../GrantedSQLite"),
        .package(name: "GrantedPostgres", path: "../GrantedPostgres"),
        .package(name: "GrantedCrypto", path: "../GrantedCrypto"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "GrantedCLI",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedSQLite", package: "GrantedSQLite"),
                .product(name: "GrantedPostgres", package: "GrantedPostgres"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "GrantedCLITests",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
                .product(name: "GrantedSQLite", package: "GrantedSQLite"),
                .product(name: "GrantedPostgres", package: "GrantedPostgres"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: settings),
    ]
)
