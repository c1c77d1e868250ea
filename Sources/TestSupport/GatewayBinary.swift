import Foundation

/// Where the built `tracegate` executable is. The integration tests run the real binary,
/// exactly as an operator would, never the modules in-process.
package enum GatewayBinary {
    /// `TRACEGATE_BINARY` if set; else the products directory of the running test bundle
    /// (SwiftPM builds `tracegate` beside it, whatever the scratch path); else the package's
    /// `.build/debug/tracegate`.
    package static func path(filePath: String = #filePath) throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["TRACEGATE_BINARY"], !configured.isEmpty {
            candidates.append(configured)
        } else {
            candidates += productsDirectoryCandidates()
            if let root = packageRoot(startingAt: filePath) {
                candidates.append(root + "/.build/debug/tracegate")
                candidates.append(root + "/.build/x86_64-unknown-linux-gnu/debug/tracegate")
            }
        }
        if let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) {
            return found
        }
        throw TestSupportError.executableNotFound(
            "tracegate (looked at \(candidates.joined(separator: ", "))); run `swift build` first or set TRACEGATE_BINARY"
        )
    }

    private static func productsDirectoryCandidates() -> [String] {
        // The test runner is `<products>/TracegatePackageTests.xctest` on Linux.
        guard let runner = CommandLine.arguments.first, runner.contains("/") else { return [] }
        let products = URL(fileURLWithPath: runner).resolvingSymlinksInPath().deletingLastPathComponent()
        return [products.path + "/tracegate"]
    }

    private static func packageRoot(startingAt filePath: String) -> String? {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.path + "/Package.swift") {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
