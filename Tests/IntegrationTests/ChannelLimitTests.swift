import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `limits.max_channels_per_connection` (OpenSSH multiplexing puts every session of a
    /// ControlMaster on one connection) and `limits.max_sessions_per_user` (across all of a
    /// user's connections), with real clients: a clear line on stderr, an audited refusal,
    /// and room again once sessions end.
    @Suite(.gatewayFixture {
        $0.limits = [("max_channels_per_connection", "2"), ("max_sessions_per_user", "3")]
    }, .timeLimit(.minutes(3)))
    struct ChannelLimitTests {
        private func sessionsStarted(_ fixture: GatewayFixture) -> Int {
            fixture.gateway.log.components(separatedBy: "session started").count - 1
        }

        private func deniedReasons(_ fixture: GatewayFixture, containing text: String) async throws -> [AuditRow] {
            try await AuditTrailDatabase(path: fixture.gateway.stateDirectory + "/audit.db").query(
                "SELECT user, reason FROM events WHERE kind = 'access.decision' AND result = 'denied' AND reason LIKE '%\(text)%'")
        }

        @Test func aThirdChannelOnOneConnectionIsRefusedWithItsReason() async throws {
            let fixture = try SharedGateway.current()
            let client = fixture.alice(on: "web-01")
            let workspace = try TemporaryDirectory(prefix: "tracegate-chlimit")
            let master = try await client.startControlMaster(at: workspace.file("cm"), persist: .seconds(30))
            defer { master.exit() }
            let viaMaster = master.clientOptions
            let before = sessionsStarted(fixture)
            let holders = try (0..<2).map { _ in try client.spawnSSH("sleep 4", options: viaMaster) }
            defer { for holder in holders { holder.terminate() } }
            let holding = await waitFor(timeout: .seconds(10)) { sessionsStarted(fixture) >= before + 2 }
            try #require(holding, "\(fixture.gatewayLogTail)")

            let third = try await client.ssh("echo third", options: refusalOptions + viaMaster)
            expectRefusal(third, containing: "tracegate: too many channels open on this connection (limit 2)", fixture)
            #expect(!third.stdout.contains("third"), "\(third)")
            // The refusal's event may reach the trail just after the client has its line.
            var denied = try await deniedReasons(fixture, containing: "too many channels")
            let deadline = ContinuousClock.now + .seconds(5)
            while denied.isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                denied = try await deniedReasons(fixture, containing: "too many channels")
            }
            #expect(denied.count == 1, "\(denied)")

            for holder in holders { _ = await holder.waitForExit(timeout: .seconds(10)) }
            let after = try await client.ssh("echo room-again", options: viaMaster)
            #expect(after.stdout == "room-again\n", "\(after)\n\(fixture.gatewayLogTail)")
        }

        @Test func aUsersFourthSessionAcrossConnectionsIsRefusedOthersAreNot() async throws {
            let fixture = try SharedGateway.current()
            let before = sessionsStarted(fixture)
            let holders = try (0..<3).map { _ in try fixture.alice(on: "web-01").spawnSSH("sleep 4") }
            defer { for holder in holders { holder.terminate() } }
            let holding = await waitFor(timeout: .seconds(10)) { sessionsStarted(fixture) >= before + 3 }
            try #require(holding, "\(fixture.gatewayLogTail)")

            let fourth = try await fixture.alice(on: "web-02").ssh("echo fourth", options: refusalOptions)
            expectRefusal(fourth, containing: "tracegate: alice has too many sessions open (limit 3)", fixture)
            let denied = try await deniedReasons(fixture, containing: "too many sessions")
            #expect(denied.count == 1 && denied.first?["user"] == "alice", "\(denied)")
            // bob counts his own sessions.
            let bob = try await fixture.bob(on: "web-01").ssh("echo bob-unaffected")
            #expect(bob.stdout == "bob-unaffected\n", "\(bob)\n\(fixture.gatewayLogTail)")

            for holder in holders { _ = await holder.waitForExit(timeout: .seconds(10)) }
            let after = try await fixture.alice(on: "web-02").ssh("echo room-again")
            #expect(after.stdout == "room-again\n", "\(after)\n\(fixture.gatewayLogTail)")
        }
    }
}
