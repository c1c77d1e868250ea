// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for the parsers that read untrusted text: the configuration file
// (YAML, composed with Yams and walked by the Policy module) and the SSH user name
// (LOGIN@TARGET, received from anyone before authentication), and what a browser sends the
// web page (query, cookie, range: Sources/WebInput is a symlink to Sources/Web/Input). A package of its own so that
// `-sanitize=fuzzer` never touches the gateway's build; Sources/Policy is a symlink to the
// real module. Build and run with fuzz/run.sh.
let package = Package(
    name: "TracegateFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "Policy",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["Policy", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzUsername", dependencies: ["Policy", "CFuzzerDriver"]),
        .target(name: "WebInput"),
        .executableTarget(name: "FuzzWebInput", dependencies: ["WebInput", "CFuzzerDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
