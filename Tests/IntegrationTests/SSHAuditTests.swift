import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The outside judge: `ssh-audit` (PyPI, 3.x; scripts/test.sh installs it into
    /// .build-venv/) against a gateway with the default algorithms and limits. Every
    /// algorithm, recommendation and CVE entry of its JSON report is checked.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct SSHAuditTests {
        /// The one warning the gateway cannot remove: libssh 0.10.6 (Debian 12) has no
        /// post-quantum key exchange (sntrup761x25519 / mlkem768x25519 arrive in libssh 0.11),
        /// and ssh-audit 3.3+ warns on every classical key exchange. README, Security posture.
        static let acceptedWarning = "does not provide protection against post-quantum attacks"

        @Test func theDefaultConfigurationHasNoFailureAndNoOtherWarning() async throws {
            let fixture = try SharedGateway.current()
            // An OpenSSH client negotiates with the same defaults (before the scan, whose
            // rate test ends with 127.0.0.1 penalised, as it should).
            let before = try await fixture.alice(on: "web-01").ssh("echo negotiated")
            #expect(before.stdout == "negotiated\n", "\(before)\n\(fixture.gatewayLogTail)")

            let scan = try await ProcessRunner().run(
                try Self.sshAudit(), ["-j", "-p", String(fixture.gateway.port), "127.0.0.1"], timeout: .seconds(90))
            let report = try #require(
                (try? JSONSerialization.jsonObject(with: Data(scan.stdout.utf8))) as? [String: Any],
                "ssh-audit printed no JSON report\n\(scan)")
            let findings = Self.findings(in: report)
            #expect(findings.failures.isEmpty, "ssh-audit failures: \(findings.failures)\n\(scan.stdout)")
            #expect(findings.warnings.isEmpty, "ssh-audit warnings: \(findings.warnings)\n\(scan.stdout)")
            #expect(findings.recommendations.isEmpty, "ssh-audit recommendations: \(findings.recommendations)\n\(scan.stdout)")
            #expect(findings.cves.isEmpty, "ssh-audit CVEs: \(findings.cves)")
            // Its further notes: Terrapin with chacha20-poly1305 or CBC-EtM, DHEat rate, ….
            #expect(findings.notes.isEmpty, "ssh-audit notes: \(findings.notes)")
            // The scan saw what the gateway offers, and strict key exchange (Terrapin) is on.
            let kex = (report["kex"] as? [[String: Any]] ?? []).compactMap { $0["algorithm"] as? String }
            #expect(kex.contains("curve25519-sha256") && kex.contains("kex-strict-s-v00@openssh.com"), "\(kex)")
            #expect(findings.accepted > 0, "the known post-quantum warning should be there; did ssh-audit change?")

            // The rate test (DHEat) was throttled by the per-source penalties, as reported in
            // the log, and an engineer from another address is unaffected.
            #expect(fixture.gateway.log.contains("source penalised"), "\(fixture.gatewayLogTail)")
            let after = try await fixture.alice(on: "web-01").ssh("echo still-here", options: ["-b", "127.0.0.11"])
            #expect(after.stdout == "still-here\n", "\(after)\n\(fixture.gatewayLogTail)")
        }

        struct Findings {
            var failures: [String] = []
            var warnings: [String] = []
            var recommendations: [String] = []
            var cves: [String] = []
            var notes: [String] = []
            var accepted = 0
        }

        /// Every `notes.fail`/`notes.warn` of every algorithm list, every recommendation at
        /// any level, every CVE; the known post-quantum warning is counted apart.
        static func findings(in report: [String: Any]) -> Findings {
            var findings = Findings()
            for section in ["kex", "key", "enc", "mac"] {
                for entry in report[section] as? [[String: Any]] ?? [] {
                    let name = "\(section) \(entry["algorithm"] ?? "?")"
                    let notes = entry["notes"] as? [String: Any] ?? [:]
                    for failure in notes["fail"] as? [String] ?? [] { findings.failures.append("\(name): \(failure)") }
                    for warning in notes["warn"] as? [String] ?? [] {
                        if warning.contains(acceptedWarning) && section == "kex" {
                            findings.accepted += 1
                        } else {
                            findings.warnings.append("\(name): \(warning)")
                        }
                    }
                }
            }
            func collect(_ value: Any, path: String) {
                if let dictionary = value as? [String: Any] {
                    for (key, inner) in dictionary { collect(inner, path: path + "." + key) }
                } else if let list = value as? [Any] {
                    for inner in list { collect(inner, path: path) }
                } else {
                    findings.recommendations.append("\(path): \(value)")
                }
            }
            if let recommendations = report["recommendations"] { collect(recommendations, path: "recommendations") }
            for cve in report["cves"] as? [Any] ?? [] { findings.cves.append("\(cve)") }
            for note in report["additional_notes"] as? [Any] ?? [] where "\(note)" != "" { findings.notes.append("\(note)") }
            return findings
        }

        /// TRACEGATE_SSH_AUDIT, the repository's .build-venv (scripts/test.sh), or PATH.
        static func sshAudit(filePath: String = #filePath) throws -> String {
            if let path = ProcessInfo.processInfo.environment["TRACEGATE_SSH_AUDIT"] { return path }
            let repository = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let venv = repository.appendingPathComponent(".build-venv/bin/ssh-audit").path
            if FileManager.default.isExecutableFile(atPath: venv) { return venv }
            do {
                return try ExecutableLocator.find("ssh-audit")
            } catch {
                Issue.record("ssh-audit is not installed: run scripts/test.sh, or pip install 'ssh-audit>=3,<4'")
                throw error
            }
        }
    }
}
