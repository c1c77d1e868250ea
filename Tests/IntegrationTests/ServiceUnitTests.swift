import Foundation
import Testing
import TestSupport

/// `config/examples/tracegate.service` as systemd itself reads it: no unknown key, no
/// misplaced setting, its commands exist, and its sandbox rates "OK" or better. Skipped where
/// systemd-analyze is not installed; the unit is then only checked where it is.
@Suite(.enabled(if: (try? ExecutableLocator.find("systemd-analyze")) != nil, "systemd-analyze is not installed"))
struct ServiceUnitTests {
    static let unitPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/examples/tracegate.service").path

    /// The unit with ExecStart and friends pointing at the binary under test, in a temp dir.
    private func installedCopy() throws -> (directory: TemporaryDirectory, path: String) {
        let directory = try TemporaryDirectory(prefix: "tracegate-unit")
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/tracegate", with: try GatewayBinary.path())
        let path = directory.file("tracegate.service")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (directory, path)
    }

    @Test func systemdAcceptsTheUnitWithoutAWarning() async throws {
        let (directory, path) = try installedCopy()
        _ = directory
        let result = try await ProcessRunner().run(try ExecutableLocator.find("systemd-analyze"), ["verify", path])
        #expect(result.succeeded && result.stderr.isEmpty && result.stdout.isEmpty, "\(result)")
    }

    @Test func theSandboxRatesOK() async throws {
        let (directory, path) = try installedCopy()
        _ = directory
        // Exposure 0-10 in tenths: 20 is "OK" at worst (the unit rates 1.2 as written).
        let result = try await ProcessRunner().run(try ExecutableLocator.find("systemd-analyze"),
                                                   ["security", "--offline=true", "--threshold=20", path])
        #expect(result.succeeded, "\(result)")
    }

    @Test func theUnitHasTheHardeningTheREADMEPromises() throws {
        let lines = Set(try String(contentsOfFile: Self.unitPath, encoding: .utf8).split(separator: "\n").map(String.init))
        for setting in ["User=tracegate", "ProtectSystem=strict", "ReadWritePaths=/var/lib/tracegate", "NoNewPrivileges=yes",
                        "PrivateTmp=yes", "ProtectHome=yes", "CapabilityBoundingSet=", "ExecReload=/bin/kill -HUP $MAINPID",
                        "Restart=on-failure"] {
            #expect(lines.contains(setting), "missing \(setting)")
        }
    }
}
