import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate config check` shows the flood defences in force, defaults or configured.
    @Suite struct FloodConfigCheckTests {
        private func check(_ yaml: String) async throws -> ProcessResult {
            let directory = try TemporaryDirectory(prefix: "tracegate-fcfg")
            let path = try directory.write(yaml, to: "tracegate.yaml")
            return try await GatewayProcess(configPath: path, workingDirectory: directory.path, port: 0,
                                            stateDirectory: directory.file("state")).run(["config", "check"])
        }

        @Test func theDefaultsAreShown() async throws {
            let result = try await check("listen: 127.0.0.1:2222\n")
            #expect(result.termination == .exited(0), "\(result)")
            #expect(result.stdout.contains("""
                flood defences:
                  max_unauthenticated 256, random early drop from 64 at 30 %
                  max_channels_per_connection 64, max_sessions_per_user 1024
                  penalties: auth_failure 5s, no_auth 1s, grace_exceeded 10s, min 15s, max 10m; exempt: none
                """), "\(result)")
        }

        @Test func configuredValuesAreShown() async throws {
            let result = try await check("""
                limits: {max_unauthenticated: 10, unauthenticated_drop_start: 20, max_sessions_per_user: 5}
                penalties: {min: 1m, max: 2h, exempt: [10.0.0.0/8, "2001:db8::/32"]}
                """)
            #expect(result.termination == .exited(0), "\(result)")
            #expect(result.stdout.contains("max_unauthenticated 10, no random early drop"), "\(result)")
            #expect(result.stdout.contains("max_channels_per_connection 64, max_sessions_per_user 5"), "\(result)")
            #expect(result.stdout.contains("min 1m, max 2h; exempt: 10.0.0.0/8, 2001:db8::/32"), "\(result)")
            let off = try await check("penalties: {enabled: false}\n")
            #expect(off.stdout.contains("  penalties: off"), "\(off)")
        }

        @Test func theTrustedProxiesAreShownAndExempt() async throws {
            let off = try await check("listen: 127.0.0.1:2222\n")
            #expect(off.stdout.contains("  proxy_protocol: off (nobody is trusted; a PROXY header fails the SSH banner check)"), "\(off)")
            let on = try await check("proxy_protocol: {from: [10.0.0.5, 10.0.1.0/24]}\n")
            #expect(on.termination == .exited(0), "\(on)")
            #expect(on.stdout.contains("""
                  proxy_protocol: v2 headers trusted from 10.0.0.5, 10.0.1.0/24 (required from them, refused from anyone else), timeout 3s
                """), "\(on)")
            #expect(on.stdout.contains("exempt: 10.0.0.5, 10.0.1.0/24"), "\(on)")
        }
    }
}
