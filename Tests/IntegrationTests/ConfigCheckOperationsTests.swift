import Foundation
import Testing
import TestSupport

/// `tracegate config check` shows the operational settings a reviewer must see.
@Suite struct ConfigCheckOperationsTests {
    @Test func summaryNamesListenLogsMetricsAndRetention() async throws {
        let directory = try TemporaryDirectory(prefix: "tracegate-cfgops")
        let path = try directory.write("""
            listen: 127.0.0.1:2299
            state_dir: \(GatewayConfiguration.quote(directory.file("state")))
            log_level: notice
            log_format: json
            metrics: {listen: "[::1]:9100"}
            retention: 400d
            """, to: "tracegate.yaml")
        let result = try await GatewayProcess(configPath: path, workingDirectory: directory.path, port: 0,
                                              stateDirectory: directory.file("state")).run(["config", "check"])
        #expect(result.succeeded, "\(result)")
        for line in ["listen: 127.0.0.1:2299", "log: notice, json", "metrics: [::1]:9100", "retention: 400d (34560000 s)"] {
            #expect(result.stdout.contains(line + "\n"), "no \(line)\n\(result)")
        }
        let off = try directory.write("metrics: {listen: off}\n", to: "off.yaml")
        let offResult = try await GatewayProcess(configPath: off, workingDirectory: directory.path, port: 0,
                                                 stateDirectory: directory.file("state")).run(["config", "check"])
        #expect(offResult.stdout.contains("metrics: off\nretention: off\n"), "\(offResult)")
    }
}
