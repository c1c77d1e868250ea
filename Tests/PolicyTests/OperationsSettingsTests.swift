import Foundation
import Policy
import Testing

/// `log_format`, `metrics` and `retention`: defaults, valid values and clear errors.
@Suite struct OperationsSettingsTests {
    private func load(_ text: String) throws -> GatewayConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tracegate.yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try ConfigurationLoader.load(path: path)
    }

    private func errors(_ text: String) -> String {
        do {
            _ = try load(text)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsAreLogfmtMetricsOnLoopbackAndNoRetention() throws {
        let configuration = try load("listen: 127.0.0.1:2222\n")
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.metricsListen == ListenAddress(host: "127.0.0.1", port: 9222))
        #expect(configuration.retention == nil)
    }

    @Test func valuesAreRead() throws {
        let configuration = try load("log_format: json\nmetrics: {listen: \"[::1]:9100\"}\nretention: 36h\n")
        #expect(configuration.logFormat == .json)
        #expect(configuration.metricsListen == ListenAddress(host: "::1", port: 9100))
        #expect(configuration.retention == .seconds(36 * 3600))
        #expect(try load("metrics: {listen: off}\nretention: 400d\n").metricsListen == nil)
        #expect(try load("retention: 400d\n").retention == .seconds(400 * 86_400))
    }

    @Test func badValuesAreReportedAtTheirLine() {
        #expect(errors("log_format: xml\n").contains(":1:13: unknown log_format \"xml\"; expected one of: logfmt, json"))
        #expect(errors("metrics: {listen: nowhere}\n").contains("invalid metrics.listen \"nowhere\""))
        #expect(errors("metrics: {port: 9222}\n").contains("unknown key \"port\" in metrics"))
        #expect(errors("retention: forever\n").contains("invalid retention \"forever\""))
        #expect(errors("retention: 0d\n").contains("invalid retention \"0d\""))
    }
}
