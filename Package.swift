// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: tracegate -> Gateway -> {SSH, Policy, Audit, Recording}.
// SSH is the only module that sees libssh; Policy, Audit and Recording never import SSH.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Tracegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tracegate", targets: ["tracegate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"])]
        ),
        // glibc's pthread_getattr_np, hidden from Swift's Glibc module (no library: libc).
        .systemLibrary(name: "CThreadStack"),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // PostgreSQL's own client library: blocking calls, which fit the shipper's dedicated
        // thread, and nothing new to build (README, "Running several nodes").
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // TOTP (RFC 6238), base32, the otpauth:// URI and its QR code: pure, no state.
        .target(
            name: "OneTimeCode",
            dependencies: ["CQRencode", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SSH",
            dependencies: [
                "CLibSSH",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "Certificates", swiftSettings: strictSettings),
        // The threads that take copies off the relay (recorder, file ledger): no dependency.
        .target(name: "TapThreads", swiftSettings: strictSettings),
        .target(
            name: "Policy",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Audit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The PostgreSQL side of a cluster: the libpq boundary, the schema, the shipper that
        // copies this node's chain there, and the readers `audit verify|events` use on it.
        .target(
            name: "ClusterStore",
            dependencies: [
                "CLibPQ", "Audit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Recording",
            dependencies: ["TapThreads", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Postmortem",
            dependencies: ["Audit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Web",
            dependencies: [
                "Policy", "Audit", "Recording", "Postmortem",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "FileLedger",
            dependencies: ["TapThreads", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "SSH", "Policy", "Audit", "Recording", "Certificates", "OneTimeCode", "FileLedger", "Web", "ClusterStore",
                "CThreadStack",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "tracegate",
            dependencies: [
                "Gateway", "Policy", "Audit", "SSH", "Recording", "OneTimeCode", "Postmortem", "ClusterStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "TestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "CertificatesTests",
            dependencies: ["Certificates", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "PolicyTests", dependencies: ["Policy"], swiftSettings: strictSettings),
        .testTarget(name: "OneTimeCodeTests", dependencies: ["OneTimeCode", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "RecordingTests", dependencies: ["Recording"], swiftSettings: strictSettings),
        .testTarget(name: "FileLedgerTests", dependencies: ["FileLedger", "TapThreads"], swiftSettings: strictSettings),
        .testTarget(name: "ClusterStoreTests", dependencies: ["ClusterStore", "Audit", "TestSupport", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strictSettings),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "WebTests", dependencies: ["Web", "Audit", "Policy", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "PostmortemTests",
            dependencies: ["Postmortem", "Audit", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Policy", "SSH", "Certificates", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "IntegrationTests",
            // SSH: what the linked libssh can do (post-quantum key exchange or not).
            dependencies: ["TestSupport", "tracegate", "SSH"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
