import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// A reduced `bench/flood` against a gateway with the default limits and penalties: 200
    /// stalled unauthenticated connections and a few hundred failed authentications from
    /// 127.0.0.2-250 while alice opens sessions from 127.0.0.1. Every one of her sessions
    /// must succeed, and the gateway's memory must stay bounded.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct FloodTests {
        @Test func engineersKeepWorkingThroughAFloodAndMemoryStaysBounded() async throws {
            let fixture = try SharedGateway.current()
            let alice = fixture.alice(on: "web-01")
            let engineer = (["ssh"] + alice.sshArguments()).map(ShellQuoting.quote).joined(separator: " ")
            let workspace = try TemporaryDirectory(prefix: "tracegate-flood")
            let reportPath = workspace.file("report.json")
            let pid = try #require(fixture.gateway.pid)
            let run = try await ProcessRunner(environment: OpenSSHClient.environment()).run("/usr/bin/python3", [
                Self.floodScript(), "--port", String(fixture.gateway.port), "--pid", String(pid),
                "--audit-db", fixture.gateway.stateDirectory + "/audit.db", "--engineer", engineer,
                "--unauth", "200", "--auth-failures", "300", "--baseline", "5", "--settle", "2", "--max-seconds", "40",
                "--work", workspace.file("work"), "--json", reportPath,
            ], timeout: .seconds(150))
            try #require(run.succeeded, "\(run)\n\(fixture.gatewayLogTail)")
            let report = try #require(
                (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath)))) as? [String: Any])

            for phase in ["before", "during", "after"] {
                let row = report[phase] as? [String: Any] ?? [:]
                #expect(row["failures"] as? Int == 0, "\(phase): \(row)\n\(run.stdout)\n\(fixture.gatewayLogTail)")
                #expect((row["sessions"] as? Int ?? 0) >= (phase == "during" ? 3 : 5), "\(phase): \(row)")
            }
            let unauthenticated = report["unauthenticated_flood"] as? [String: Any] ?? [:]
            #expect(unauthenticated["connections"] as? Int == 200, "\(unauthenticated)")
            let authentication = report["authentication_flood"] as? [String: Any] ?? [:]
            let audit = report["audit"] as? [String: Any] ?? [:]
            // The trail holds the failed attempts the flood made (the gateway refused every one).
            #expect((audit["failed_auth_rows"] as? Int ?? 0) >= 200, "\(authentication)\n\(audit)")
            let before = report["rss_before_kib"] as? Int ?? 0
            let peak = report["rss_peak_kib"] as? Int ?? Int.max
            #expect(before > 0 && peak - before < 96 * 1024, "RSS before \(before) KiB, peak \(peak) KiB\n\(run.stdout)")
            try await expectGatewayStillServes(fixture)
        }

        static func floodScript(filePath: String = #filePath) -> String {
            URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("bench/flood").path
        }
    }
}
