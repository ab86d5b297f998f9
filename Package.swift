// swift-tools-version:6.1
import PackageDescription

// Upcoming features the house style asks for (see hummingbird's Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "dbtunnel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dbtunnel", targets: ["dbtunnel"]),
        .library(name: "AWSAuth", targets: ["AWSAuth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // SigV4, credentials and the provider chain, RDS IAM tokens, endpoint parsing.
        .target(
            name: "AWSAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "dbtunnel",
            dependencies: [
                "AWSAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // `make bench`: token signing throughput (see BENCHMARKS.md).
        .executableTarget(
            name: "dbtunnel-bench",
            dependencies: ["AWSAuth"],
            path: "Benchmarks/dbtunnel-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSAuthTests",
            dependencies: ["AWSAuth"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
