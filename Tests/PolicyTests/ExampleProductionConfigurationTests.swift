import Foundation
import Policy
import Testing

/// `config/examples/production.yaml` is what operators copy: it must load, and set what its
/// comments say it sets.
@Suite("config/examples/production.yaml")
struct ExampleProductionConfigurationTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/examples/production.yaml").path

    @Test func loadsWithTheOperationalSettingsItDocuments() throws {
        let configuration = try ConfigurationLoader.load(path: Self.path)
        #expect(configuration.listen == ListenAddress(host: "0.0.0.0", port: 2222))
        #expect(configuration.stateDirectory == "/var/lib/tracegate")
        #expect(configuration.logLevel == "info")
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.metricsListen == ListenAddress(host: "127.0.0.1", port: 9222))
        #expect(configuration.retention == .seconds(400 * 86_400))
        #expect(configuration.limits == Defaults.limits)
        #expect(configuration.penalties == Defaults.penalties)
        #expect(configuration.recording == Defaults.recording)
        #expect(configuration.users.map(\.name) == ["alice", "bob", "ci-deploy"])
        #expect(configuration.targets.map(\.name) == ["web-01", "db-01"])
        #expect(configuration.grants.count == 3)
    }

    @Test func everyKeyHasAComment() throws {
        let lines = try String(contentsOfFile: Self.path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            // A top-level key: the line before it, or the line itself, must say what it is for.
            guard let first = line.first, first.isLetter, line.contains(":") else { continue }
            let commented = line.contains("#") || (index > 0 && lines[index - 1].hasPrefix("#"))
            #expect(commented, "line \(index + 1) has no comment: \(line)")
        }
    }
}
