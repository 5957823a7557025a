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
        // For hosts' own tests: a manual clock, seeded randomness, request builders, the store
        // contract every GrantStore must keep, and the deterministic simulation.
        .library(name: "GrantedTesting", targets: ["GrantedTesting"]),
    ],
    targets: [
        .target(name: "Granted", swiftSettings: settings),
        .target(name: "GrantedTesting", dependencies: ["Granted"], swiftSettings: settings),
        .executableTarget(
            name: "GrantedBench", dependencies: ["Granted", "GrantedTesting", "GrantedBenchBudgets", "GrantedBenchAllocations"],
            swiftSettings: settings),
        // The budgets `granted-bench --check` enforces, as a pure checker the tests also drive.
        .target(name: "GrantedBenchBudgets", swiftSettings: settings),
        // A counting malloc for granted-bench alone (glibc); Granted never links it.
        .target(name: "GrantedBenchAllocations"),
        // The invariants the fuzz targets check; the tests replay the corpus through them.
        .target(
            name: "GrantedFuzzChecks", dependencies: ["Granted"], path: "Fuzz/Checks",
            swiftSettings: settings),
        .testTarget(
            name: "GrantedTests", dependencies: ["Granted", "GrantedBench", "GrantedBenchBudgets", "GrantedFuzzChecks", "GrantedTesting"],
            swiftSettings: settings),
    ]
)
