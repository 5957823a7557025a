// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "GrantedPostgres",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GrantedPostgres", targets: ["GrantedPostgres"]),
        .executable(name: "granted-pg-bench", targets: ["GrantedPostgresBench"]),
    ],
    dependencies: [
        .package(name: "Granted", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "GrantedPostgres",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.embedInCode("Migrations")],
            swiftSettings: settings),
        .executableTarget(
            name: "GrantedPostgresBench",
            dependencies: [
                "GrantedPostgres", .product(name: "Granted", package: "Granted"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "GrantedPostgresTests",
            dependencies: [
                "GrantedPostgres",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
            ],
            swiftSettings: settings),
    ]
)
