import Foundation
import Policy
import Testing

/// `upstream_auth` (top level and per target), `certificates` and a target's `environment`.
@Suite struct UpstreamAuthenticationSettingsTests {
    private func load(_ text: String) throws -> GatewayConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-upauth-\(UUID().uuidString)")
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

    private let targets = """
        targets:
          - {name: plain, address: "10.0.0.1:22"}
          - {name: signed, address: "10.0.0.2:22", upstream_auth: certificate}
          - {name: quiet, address: "10.0.0.3:22", upstream_auth: key, environment: false}

        """

    @Test func theDefaultIsThePlainKeyWithIdentityVariables() throws {
        let configuration = try load(targets)
        #expect(configuration.upstreamAuthentication == .key)
        let byName = Dictionary(uniqueKeysWithValues: configuration.targets.map { ($0.name, $0) })
        #expect(configuration.upstreamAuthentication(for: try #require(byName["plain"])) == .key)
        #expect(configuration.upstreamAuthentication(for: try #require(byName["signed"])) == .certificate)
        #expect(byName["plain"]?.sendsIdentityEnvironment == true)
        #expect(byName["quiet"]?.sendsIdentityEnvironment == false)
        #expect(configuration.usesCertificates)
        #expect(configuration.certificates == CertificateSettings(validity: .seconds(300), sourceAddresses: []))
    }

    @Test func aTopLevelCertificateDefaultYieldsToATargetsKey() throws {
        let configuration = try load("upstream_auth: certificate\ncertificates: {validity: 2m, source_address: [192.0.2.10, \"2001:db8::/64\"]}\n" + targets)
        let byName = Dictionary(uniqueKeysWithValues: configuration.targets.map { ($0.name, $0) })
        #expect(configuration.upstreamAuthentication(for: try #require(byName["plain"])) == .certificate)
        #expect(configuration.upstreamAuthentication(for: try #require(byName["quiet"])) == .key)
        #expect(configuration.certificates.validity == .seconds(120))
        #expect(configuration.certificates.sourceAddresses == ["192.0.2.10", "2001:db8::/64"])
        #expect(try load("certificates: {source_address: 198.51.100.7}\n").certificates.sourceAddresses == ["198.51.100.7"])
    }

    @Test func mistakesAreReportedWithTheirLine() {
        #expect(errors("upstream_auth: password\n").contains(":1:16: invalid upstream_auth \"password\": expected key or certificate"))
        #expect(errors("certificates: {validity: 30s}\n").contains(":1:26: certificates.validity must be between 1m and 24h"))
        #expect(errors("certificates: {validity: 25h}\n").contains("certificates.validity must be between 1m and 24h"))
        #expect(errors("certificates: {source_address: 10.0.0.300}\n").contains("invalid certificates.source_address \"10.0.0.300\""))
        #expect(errors("certificates: {principals: [root]}\n").contains("principals"))
        #expect(errors("targets:\n  - {name: a, address: \"10.0.0.1:22\", environment: yes}\n")
            .contains(":2:52: invalid environment of target a \"yes\": expected true or false"))
        #expect(errors("targets:\n  - {name: a, address: \"10.0.0.1:22\", upstream_auth: cert}\n")
            .contains("invalid upstream_auth of target a \"cert\": expected key or certificate"))
    }
}
