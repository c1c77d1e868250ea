// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for the parsers that read untrusted text: the configuration file
// (YAML, composed with Yams and walked by the Policy module), the SSH user name
// (LOGIN@TARGET, received from anyone before authentication), the user CA's key file
// (openssh-key-v1, read to sign upstream certificates), the gateway shell's command lines
// (consent and oversight), what a browser sends the web page (query, cookie, range), 
// the file ledger's SFTP and legacy scp parsers (every byte of a transfer), and a postmortem
// bundle's events.jsonl (received from the other company), and the PROXY protocol v2 header
// (the first bytes of anyone's connection), and the answer to the verification-code prompt
// (TOTP, from anyone holding a key) with base32. A package of its own
// so that `-sanitize=fuzzer` never touches the gateway's build; Sources/* are symlinks to the
// real modules. Build and run with fuzz/run.sh.
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
        .target(name: "Certificates", swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .target(
            name: "Audit",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .target(name: "TapThreads", swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .target(
            name: "FileLedger",
            dependencies: ["TapThreads", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode"),
        .target(
            name: "OneTimeCode",
            dependencies: ["CQRencode", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzUsername", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzCAKeyFile", dependencies: ["Certificates", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzShellCommand", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzSFTP", dependencies: ["FileLedger", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzScp", dependencies: ["FileLedger", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzOversightCommand", dependencies: ["Policy", "CFuzzerDriver"]),
        .target(name: "WebInput"),
        .executableTarget(name: "FuzzWebInput", dependencies: ["WebInput", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzBundleEvents", dependencies: ["Audit", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzProxyHeader", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzOneTimeCode", dependencies: ["OneTimeCode", "CFuzzerDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
