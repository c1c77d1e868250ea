import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The disks fill up: the audit trail's (state_dir on a small tmpfs) and the recordings'
    /// (a tmpfs on state_dir/recordings). New sessions are refused fail-closed with the
    /// documented line, a session whose recording can no longer be written is closed with a
    /// message and an audit event, nothing crashes, and everything works again once space returns.
    @Suite(.enabled(if: TmpfsMount.isAvailable, "mounting a tmpfs needs root (CAP_SYS_ADMIN); the disk-full tests cannot run here"),
           .timeLimit(.minutes(4)))
    struct DiskFullTests {
        static let auditRefusal = "tracegate: the audit trail cannot be written; no new session can start"
        static let recordingsRefusal = "tracegate: the recordings disk is full; no new session can start"
        static let recordingFailed = "tracegate: this session can no longer be recorded (No space left on device); it is closed"
        /// Above the gateway's 256 MiB free-space floor for recordings, so that sessions start
        /// until the test fills it (a tmpfs costs memory only for what is written).
        static let recordingsMegabytes = 300

        @Test func auditDiskFullRefusesNewSessionsAndRecoversWhenSpaceReturns() async throws {
            let scratch = try TemporaryDirectory(prefix: "tracegate-df")
            let state = try await TmpfsMount.mount(at: scratch.file("state"), megabytes: 16)
            let recordings = try await TmpfsMount.mount(at: scratch.file("state/recordings"), megabytes: Self.recordingsMegabytes)
            defer { recordings.unmount(); state.unmount() }
            var options = GatewayFixture.Options()
            options.stateDirectory = state.path
            let fixture = try await GatewayFixture.start(options)
            do {
                try await auditDiskFull(fixture, state: state)
            } catch {
                await fixture.stop()
                throw error
            }
            await fixture.stop()
        }

        private func auditDiskFull(_ fixture: GatewayFixture, state: TmpfsMount) async throws {
            let before = try await fixture.alice(on: "web-01").ssh("echo before")
            try #require(before.succeeded && before.stdout == "before\n", "\(before)\n\(fixture.gatewayLogTail)")

            let filler = try state.fill()
            #expect(state.freeBytes < 64 << 10, "the state filesystem should be full: \(state.freeBytes) bytes free")
            // SQLite may still have room inside its write-ahead log for a few events; once it
            // has none, every new session is refused, and none runs before its record.
            var refusedAt: Int?
            var attempts: [ProcessResult] = []
            for attempt in 0..<20 where refusedAt == nil {
                let result = try await fixture.alice(on: "web-01").ssh("echo ran-\(attempt)", options: refusalOptions)
                attempts.append(result)
                if result.stderr.contains(Self.auditRefusal) { refusedAt = attempt }
            }
            let firstRefusal = try #require(refusedAt, "no refusal in 20 sessions on a full audit disk:\n\(attempts.last.map(String.init(describing:)) ?? "")\n\(fixture.gatewayLogTail)")
            expectRefusal(attempts[firstRefusal], containing: Self.auditRefusal, fixture)
            #expect(!attempts[firstRefusal].stdout.contains("ran-"), "\(attempts[firstRefusal])")
            let again = try await fixture.bob(on: "web-01").ssh("echo should-not-run", options: refusalOptions)
            expectRefusal(again, containing: Self.auditRefusal, fixture)
            #expect(fixture.gateway.isRunning, "the gateway must survive a full disk\n\(fixture.gatewayLogTail)")

            try FileManager.default.removeItem(atPath: filler)
            var recovered: ProcessResult?
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let result = try await fixture.alice(on: "web-02").ssh("echo after-recovery")
                if result.succeeded && result.stdout == "after-recovery\n" { recovered = result; break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(recovered != nil, "no session after the space came back\n\(fixture.gatewayLogTail)")

            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
        }

        @Test func recordingsDiskFullClosesTheRecordedSessionRefusesNewOnesAndRecovers() async throws {
            let scratch = try TemporaryDirectory(prefix: "tracegate-rf")
            let statePath = try scratch.subdirectory("state")
            chmod(statePath, 0o700)
            let recordings = try await TmpfsMount.mount(at: statePath + "/recordings", megabytes: Self.recordingsMegabytes)
            defer { recordings.unmount() }
            var options = GatewayFixture.Options()
            options.stateDirectory = statePath
            let fixture = try await GatewayFixture.start(options)
            do {
                try await recordingsDiskFull(fixture, recordings: recordings)
            } catch {
                await fixture.stop()
                throw error
            }
            await fixture.stop()
        }

        private func recordingsDiskFull(_ fixture: GatewayFixture, recordings: TmpfsMount) async throws {
            let database = fixture.auditDatabase
            let running = try AuditTrailOpenSession(fixture.alice(on: "web-01"), command: "cat; : recorded")
            defer { running.process.terminateGroup(signal: SIGKILL) }
            try #require(try await running.roundTrip("before\n", expecting: "before\n"),
                         "\(running.process.standardErrorText)\n\(fixture.gatewayLogTail)")

            let filler = try recordings.fill()

            // New sessions: refused before anything reaches the target, and audited.
            let refused = try await fixture.alice(on: "web-01").ssh("echo should-not-run", options: refusalOptions)
            expectRefusal(refused, containing: Self.recordingsRefusal, fixture)
            #expect(!refused.stdout.contains("should-not-run"), "\(refused)")
            let denials = try await database.query(
                "SELECT * FROM events WHERE kind = 'access.decision' AND reason = \(AuditTrailDatabase.literal(Self.recordingsRefusal))")
            #expect(!denials.isEmpty, "the refusal should be in the trail")

            // The running session writes more than the last page of its file can hold: its
            // recording fails, and it is closed rather than going on unrecorded.
            let line = String(repeating: "x", count: 1023) + "\n"
            var sent = 0
            while running.process.isRunning && sent < 512 {
                try? running.send(line)
                sent += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            let ended = await running.process.waitForExit(timeout: .seconds(10))
            #expect(ended == .exited(255), "\(String(describing: ended)) after \(sent) KiB")
            #expect(running.process.standardErrorText.contains(Self.recordingFailed),
                    "\(running.process.standardErrorText)\n\(fixture.gatewayLogTail)")
            let closes = try await database.waitForRows("""
                SELECT e.* FROM events e JOIN sessions s ON s.id = e.session_id
                WHERE e.kind = 'session.close' AND s.command = 'cat; : recorded'
                """)
            #expect(closes.first?["reason"] == "recording_failed", "\(closes)")
            let failures = try await database.query(
                "SELECT * FROM events WHERE kind = 'access.decision' AND reason = \(AuditTrailDatabase.literal(Self.recordingFailed))")
            #expect(failures.count == 1, "\(failures)")
            #expect(fixture.gateway.isRunning, "\(fixture.gatewayLogTail)")

            try FileManager.default.removeItem(atPath: filler)
            let after = try await fixture.alice(on: "web-02").ssh("echo after-space-returned")
            #expect(after.succeeded && after.stdout == "after-space-returned\n", "\(after)\n\(fixture.gatewayLogTail)")
            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
        }
    }
}
