// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// Granted linked into a Hummingbird 2 server: the host a newcomer runs first
/// (`swift run --package-path Examples/DemoServer demo-server`), and an MCP server that the
/// demo authorizes (`mcp-server`, a resource server only). One package, so one Hummingbird build.
let package = Package(
    name: "DemoServer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "demo-server", targets: ["DemoServerCommand"]),
        .executable(name: "mcp-server", targets: ["MCPServerCommand"]),
    ],
    dependencies: [
        .package(name: "Granted", path: "../.."),
        .package(name: "GrantedPostgres", path: "../../Integrations/GrantedPostgres"),
        .package(name: "GrantedSQLite", path: "../../Integrations/GrantedSQLite"),
        .package(name: "GrantedCrypto", path: "../../Integrations/GrantedCrypto"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", exact: "0.12.1"),
    ],
    targets: [
        .target(
            name: "DemoServer",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "DemoServerCommand",
            dependencies: [
                "DemoServer",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "GrantedPostgres", package: "GrantedPostgres"),
                .product(name: "GrantedSQLite", package: "GrantedSQLite"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .target(
            name: "MCPServer",
            dependencies: [
                "DemoServer",
                .product(name: "Granted", package: "Granted"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "MCPServerCommand",
            dependencies: [
                "MCPServer",
                .product(name: "Granted", package: "Granted"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "MCPServerTests",
            dependencies: [
                "MCPServer",
                "DemoServer",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "DemoServerTests",
            dependencies: [
                "DemoServer",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GrantedCrypto", package: "GrantedCrypto"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GrantedSQLite", package: "GrantedSQLite"),
            ],
            swiftSettings: settings),
    ]
)
