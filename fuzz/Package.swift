// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for the parsers that read untrusted text: the configuration file
// (YAML, composed with Yams and walked by the Policy module) and the SSH user name
// (LOGIN@TARGET, received from anyone before authentication), and a postmortem bundle's
// events.jsonl (received from the other company). A package of its own so that
// `-sanitize=fuzzer` never touches the gateway's build; Sources/Policy is a symlink to the
// real module, as is Sources/Audit. Build and run with fuzz/run.sh.
let package = Package(
    name: "TracegateFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "Policy",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .target(
            name: "Audit",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzUsername", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzBundleEvents", dependencies: ["Audit", "CFuzzerDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
