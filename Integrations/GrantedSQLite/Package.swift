// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "GrantedSQLite",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GrantedSQLite", targets: ["GrantedSQLite"]),
        .executable(name: "granted-sqlite-crash-writer", targets: ["GrantedSQLiteCrashWriter"]),
        .executable(name: "granted-sqlite-bench", targets: ["GrantedSQLiteBench"]),
    ],
    dependencies: [
        .package(name: "Granted", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .target(
            name: "GrantedSQLite",
            dependencies: [
                .product(name: "Granted", package: "Granted"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API: the read connections, binding and stepping, columns where a step left them.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: settings),
        // A child process for the crash test: writes transitions in a loop, one line per commit.
        .executableTarget(
            name: "GrantedSQLiteCrashWriter",
            dependencies: ["GrantedSQLite", .product(name: "Granted", package: "Granted")],
            swiftSettings: settings),
        // Issuance and verification through the adapter beside a bare sqlite3 loop on one file,
        // in one process and several (BENCHMARKS.md).
        .executableTarget(
            name: "GrantedSQLiteBench",
            dependencies: [
                "GrantedSQLite",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: settings),
        .testTarget(
            name: "GrantedSQLiteTests",
            dependencies: [
                "GrantedSQLite",
                .product(name: "Granted", package: "Granted"),
                .product(name: "GrantedTesting", package: "Granted"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: settings),
    ]
)
