import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// When one side of a relayed session dies, the gateway tears down the other side
    /// promptly instead of keeping it open.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct TeardownTests {
        @Test func killingTheClientMidTransferClosesTheUpstreamConnectionWithinFiveSeconds() async throws {
            let fixture = try SharedGateway.current()
            let target = fixture.target("web-01")
            #expect(await target.waitUntilIdle(timeout: .seconds(5)), "web-01 had connections before the test")

            let mark = try await fixture.auditDatabase.lastEventID()
            let download = try fixture.alice(on: "web-01").spawnSSH("cat /dev/zero", output: .discard)
            let streaming = await waitFor(timeout: .seconds(15)) { !target.sessionProcessIDs.isEmpty }
            try #require(streaming, "the session never reached web-01\n\(download.standardErrorText)\n\(fixture.gatewayLogTail)")
            try await Task.sleep(for: .seconds(1))
            try #require(download.isRunning, "the download ended by itself: \(download.standardErrorText)")

            download.terminate(signal: SIGKILL)
            let closed = await target.waitUntilIdle(timeout: .seconds(5))
            #expect(closed, "web-01 still has connections \(target.sessionProcessIDs) 5 s after the client died\n\(fixture.gatewayLogTail)")
            // Killed mid-stream, its channel open: the trail says the client dropped, not quit.
            let ends = try await fixture.auditDatabase.waitForRows("""
                SELECT c.close_reason FROM connections c JOIN sessions s ON s.connection_id = c.id
                WHERE s.command = 'cat /dev/zero' AND c.first_event_id > \(mark) AND c.closed_at IS NOT NULL
                """)
            #expect(ends.first?["close_reason"] == "client_dropped", "\(ends)\n\(fixture.gatewayLogTail)")
        }

        @Test func killingTheTargetSessionEndsTheClientWithinFiveSeconds() async throws {
            let fixture = try SharedGateway.current()
            let target = fixture.target("web-02")
            #expect(await target.waitUntilIdle(timeout: .seconds(5)), "web-02 had connections before the test")

            let session = try fixture.alice(on: "web-02").spawnSSH("sleep 60")
            let connected = await waitFor(timeout: .seconds(15)) { !target.sessionProcessIDs.isEmpty }
            try #require(connected, "the session never reached web-02\n\(session.standardErrorText)\n\(fixture.gatewayLogTail)")
            try await Task.sleep(for: .milliseconds(500))

            target.killSessionProcesses()
            let termination = await session.waitForExit(timeout: .seconds(5))
            if termination == nil { session.terminateGroup(signal: SIGKILL) }
            #expect(termination != nil, "ssh still running 5 s after its target session was killed\n\(fixture.gatewayLogTail)")
            #expect(termination != .exited(0), "a killed session must not look successful")
        }
    }
}
