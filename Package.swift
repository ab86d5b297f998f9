// swift-tools-version:6.1
import PackageDescription

// Upcoming features the house style asks for (see hummingbird's Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let x509 = Target.Dependency.product(name: "X509", package: "swift-certificates")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioTLS = Target.Dependency.product(name: "NIOTLS", package: "swift-nio")
let swiftASN1 = Target.Dependency.product(name: "SwiftASN1", package: "swift-asn1")

let package = Package(
    name: "dbtunnel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dbtunnel", targets: ["dbtunnel"]),
        .library(name: "AWSAuth", targets: ["AWSAuth"]),
        .library(name: "Tunnel", targets: ["Tunnel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // posix_spawn's closefrom action, which Swift's Glibc does not show.
        .target(name: "CSpawnShims"),
        // SigV4, credentials and the provider chain, RDS IAM tokens, endpoint parsing.
        .target(
            name: "AWSAuth",
            dependencies: [
                "CSpawnShims",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL wire messages and handshake state machines; no I/O.
        .target(name: "PostgresWire", dependencies: [nioCore], swiftSettings: swiftSettings),
        // Byte relay between two channels (the tunnel's and the mocks' data plane).
        .target(name: "Relay", dependencies: [nioCore], swiftSettings: swiftSettings),
        // Listener, sessions, upstream TLS, cancel registry.
        .target(
            name: "Tunnel",
            dependencies: ["PostgresWire", "Relay", "AWSAuth", nioCore, nioPosix, nioSSL, nioTLS, x509, swiftASN1, logging],
            swiftSettings: swiftSettings
        ),
        // libpq, for the built-in clients (PQcancel and friends).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libmariadb (MariaDB Connector/C), for the built-in MySQL client (KILL QUERY, errno, SQLSTATE).
        .systemLibrary(name: "CLibMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        // Mock database endpoints: lab CA and certificate profiles, IAM token verification,
        // forwarding to real database servers.
        .target(
            name: "DBMocks",
            dependencies: [
                "PostgresWire", "Relay", "AWSAuth", nioCore, nioPosix, nioSSL, nioTLS, x509, logging,
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Mocks/DBMocks",
            swiftSettings: swiftSettings
        ),
        // Mock AWS: STS, IAM (policy engine), RDS, Secrets Manager, Redshift Serverless, IMDS, ECS.
        .target(
            name: "AWSMocks",
            dependencies: [
                "AWSAuth", logging, nioCore, .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Mocks/AWSMocks",
            swiftSettings: swiftSettings
        ),
        // The built-in clients of tests and scenarios: libpq (query, PQcancel, SQLSTATE) and
        // libmariadb (query, KILL QUERY, errno and SQLSTATE).
        .target(name: "DBClients", dependencies: ["CLibPQ", "CLibMariaDB"], path: "Mocks/DBClients", swiftSettings: swiftSettings),
        // The lab: real backends (PostgreSQL, MariaDB) and processes, the lab file, mock AWS and endpoints together.
        .target(
            name: "Lab",
            dependencies: ["AWSMocks", "DBMocks", "CSpawnShims", logging, .product(name: "Yams", package: "Yams")],
            path: "Mocks/Lab",
            swiftSettings: swiftSettings
        ),
        // Scenario files and their runner: a lab, a tunnel (the dbtunnel executable) and real
        // clients per scenario; reports for people and JUnit XML.
        .target(
            name: "ScenarioRunner",
            dependencies: ["Lab", "AWSMocks", "DBClients", "Tunnel", "AWSAuth", logging, .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "dbtunnel",
            dependencies: [
                "AWSAuth", "Tunnel", "DBMocks", "AWSMocks", "Lab", "ScenarioRunner", logging,
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
        // Shared by the test targets: real PostgreSQL servers in temp dirs, libpq, processes.
        .target(
            name: "TestSupport",
            dependencies: ["DBClients", "Lab", logging],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSAuthTests",
            dependencies: ["AWSAuth", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresWireTests",
            dependencies: ["PostgresWire", nioCore, .product(name: "NIOTestUtils", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DBMocksTests",
            dependencies: ["DBMocks", "TestSupport", "AWSAuth", x509, nioCore, nioPosix, nioSSL],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSMocksTests",
            dependencies: [
                "AWSMocks", "AWSAuth", "Lab", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LabTests",
            dependencies: ["Lab", "TestSupport", "AWSAuth", "AWSMocks", "DBMocks", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScenarioRunnerTests",
            dependencies: ["ScenarioRunner", "Lab", "DBMocks", "AWSMocks"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TunnelTests",
            dependencies: ["Tunnel", "DBMocks", "TestSupport", "AWSAuth", "PostgresWire", "CLibPQ", nioCore, nioPosix, nioSSL, x509, swiftASN1, logging],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
