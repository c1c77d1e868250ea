import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Retention on a running gateway: `tracegate audit prune` from another process while
    /// sessions run, and `retention:` applied by `serve` itself. Both remove the old sessions'
    /// recordings, never make the gateway's own writes fail, and leave a trail that verifies.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditRetentionTests {
        @Test func pruneWhileTheGatewayRunsKeepsTheChainVerifiable() async throws {
            let fixture = try SharedGateway.current()
            for word in ["old-one", "old-two"] {
                #expect(try await fixture.alice(on: "web-01").ssh("echo \(word)").succeeded, "\(fixture.gatewayLogTail)")
            }
            let oldRecordings = try recordings(fixture)
            #expect(oldRecordings.count == 2, "\(oldRecordings)")
            let running = try fixture.alice(on: "web-02").spawnSSH("echo running; sleep 6; echo done")
            defer { running.terminateGroup(signal: SIGKILL) }
            let started = await waitFor(timeout: .seconds(15)) {
                String(decoding: running.standardOutputSoFar, as: UTF8.self).contains("running")
            }
            try #require(started, "\(running.standardErrorText)\n\(fixture.gatewayLogTail)")
            try await Task.sleep(for: .seconds(2))

            let pruned = try await fixture.audit(["prune", "--older-than", "1s"])
            #expect(pruned.succeeded && pruned.stdout.hasPrefix("OK pruned "), "\(pruned)\n\(fixture.gatewayLogTail)")
            #expect(pruned.stdout.contains("2 recordings"), "\(pruned)")
            for path in oldRecordings {
                #expect(!FileManager.default.fileExists(atPath: path), "\(path) survived the prune")
            }

            // The gateway's writes go on: a new session is allowed (its decision is durable).
            let after = try await fixture.alice(on: "web-01").ssh("echo after-prune")
            #expect(after.succeeded && after.stdout == "after-prune\n", "\(after)\n\(fixture.gatewayLogTail)")
            #expect(await running.waitForExit(timeout: .seconds(20)) == .exited(0))

            let database = fixture.auditDatabase
            var open = -1
            for _ in 0..<100 where open != 0 {
                open = try await database.query("SELECT COUNT(*) AS n FROM session_summary WHERE status = 'open'").first?.int("n") ?? -1
                if open != 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(open == 0, "\(fixture.gatewayLogTail)")
            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded, "\(verified)")
            #expect(verified.stdout.contains("OK recordings: 2 checked, 0 failed"), "the running and the later session\n\(verified)")
        }

        private func recordings(_ fixture: GatewayFixture) throws -> [String] {
            let directory = fixture.gateway.stateDirectory + "/recordings"
            return try FileManager.default.contentsOfDirectory(atPath: directory).map { directory + "/" + $0 }
        }
    }

    /// `retention:` in the configuration: `serve` prunes by itself, shortly after start.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct ServeRetentionTests {
        @Test func serveAppliesTheConfiguredRetention() async throws {
            let fixture = try SharedGateway.current()
            #expect(try await fixture.alice(on: "web-01").ssh("echo before-retention").succeeded, "\(fixture.gatewayLogTail)")
            _ = await fixture.gateway.stop()
            try await Task.sleep(for: .seconds(2))

            var configuration = fixture.configuration
            configuration.extraLines = ["retention: 1s"]
            try Data(configuration.yaml().utf8).write(to: URL(fileURLWithPath: fixture.gateway.configPath), options: .atomic)
            try await fixture.gateway.start()
            let pruned = await waitFor(timeout: .seconds(30)) { fixture.gateway.log.contains(#"msg="audit trail pruned""#) }
            #expect(pruned, "\(fixture.gatewayLogTail)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.gateway.stateDirectory + "/recordings").isEmpty)
            #expect(try await fixture.alice(on: "web-01").ssh("echo after-retention").succeeded, "\(fixture.gatewayLogTail)")
            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded, "\(verified)")
            let events = try await fixture.audit(["events", "--format", "csv"])
            #expect(events.stdout.contains("audit.prune"), "\(events)")
        }
    }
}
