// swift-tools-version: 6.0
import PackageDescription

// Swift 6 language mode (complete concurrency checking) is the default for tools 6.0.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Granted",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Granted", targets: ["Granted"]),
        .executable(name: "granted-bench", targets: ["GrantedBench"]),
        // The behaviour every GrantStore must show, as plain async functions any test runner can call.
        .library(name: "GrantStoreContract", targets: ["GrantStoreContract"]),
    ],
    targets: [
        .target(name: "Granted", swiftSettings: settings),
        .target(name: "GrantStoreContract", dependencies: ["Granted"], swiftSettings: settings),
        .executableTarget(
            name: "GrantedBench", dependencies: ["Granted"], swiftSettings: settings),
        // The invariants the fuzz targets check; the tests replay the corpus through them.
        .target(
            name: "GrantedFuzzChecks", dependencies: ["Granted"], path: "Fuzz/Checks",
            swiftSettings: settings),
        .testTarget(
            name: "GrantedTests", dependencies: ["Granted", "GrantedFuzzChecks", "GrantStoreContract"],
            swiftSettings: settings),
    ]
)
