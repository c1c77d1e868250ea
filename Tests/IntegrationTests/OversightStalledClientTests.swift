import Foundation
import Testing
import TestSupport

extension IntegrationSuite.OversightTests {
    /// A client that stops reading in the middle of heavy output (its ssh suspended, with
    /// ControlMaster's many channels open) must not take the session out of oversight's
    /// reach: the gateway's thread for that connection must stay free to act, and a
    /// terminated command must end on the target, and the session in the trail, although the
    /// client acknowledges nothing.
    @Test func terminateEndsTheCommandOnTheTargetWhileTheClientHasStoppedReading() async throws {
        let gateway = try SharedPolicyGateway.current()
        let client = gateway.bob(on: "db-01")
        let workspace = try TemporaryDirectory(prefix: "tracegate-stalled")
        let master = try await client.startControlMaster(at: workspace.file("cm"), persist: .seconds(120))
        let masterPID = try await master.processID()
        var streams: [SpawnedProcess] = []
        defer {
            kill(masterPID, SIGCONT)
            for stream in streams { stream.terminate(signal: SIGKILL) }
            kill(masterPID, SIGTERM)
        }

        // Together the channels' windows (2 MiB each) hold more than the kernel's socket
        // buffers on both ends, so the gateway has output pending that the client never takes.
        let viaMaster = master.clientOptions
        let pidFiles = (1...Self.streamCount).map { workspace.file("stream-\($0).pid") }
        for file in pidFiles {
            streams.append(try client.spawnSSH("echo $$ > \(file); exec cat /dev/zero", options: viaMaster, output: .discard))
        }
        let started = await waitFor(timeout: .seconds(30)) { pidFiles.allSatisfy { Self.processID(in: $0) != nil } }
        try #require(started, "not every stream started\n\(gateway.logTail)")
        let id = try #require(try await bobsSession(on: "db-01", gateway, kind: "exec"), "\(gateway.logTail)")
        try await Task.sleep(for: .seconds(1))

        // Stopped, with a few short wake-ups: each lets the gateway see the socket writable
        // and write its whole pending output, more than the socket then takes.
        kill(masterPID, SIGSTOP)
        for _ in 1...10 {
            try await Task.sleep(for: .milliseconds(300))
            kill(masterPID, SIGCONT)
            try await Task.sleep(for: .milliseconds(20))
            kill(masterPID, SIGSTOP)
        }
        try await Task.sleep(for: .milliseconds(500))

        let ended = try await shell(gateway, "alice").ssh("terminate \(id) --reason \"stalled stream\"")
        #expect(ended.succeeded, "\(ended)\n\(gateway.logTail)")
        let running = { pidFiles.compactMap(Self.processID(in:)).filter { kill($0, 0) == 0 }.count }
        let targetSideEnded = await waitFor(timeout: .seconds(10)) { running() == Self.streamCount - 1 }
        #expect(targetSideEnded, "\(running()) of \(Self.streamCount) commands still run on the target\n\(gateway.logTail)")

        // The client, still stopped, never answers the close: after limits.close_grace (5 s)
        // the session has ended anyway, in the trail and in `live`.
        let closes = try await gateway.audit.waitForRows("""
            SELECT result, json_extract(details, '$.terminated_by') FROM events
            WHERE kind = 'session.close' AND session_id = \(PolicyAuditDatabase.literal(id))
            """, timeout: .seconds(15))
        #expect(closes.first == ["terminated", "alice"], "\(closes)")
        let live = try await shell(gateway, "alice").ssh("live")
        #expect(live.succeeded && !live.stdout.contains(id), "\(live)")
        #expect(running() == Self.streamCount - 1, "the other sessions should still run")

        // Resumed, the client reads what was pending and the close, and its other sessions go on.
        kill(masterPID, SIGCONT)
        let check = try await master.check()
        #expect(check.succeeded, "the master connection should still be up\n\(check)\n\(gateway.logTail)")
    }

    private static let streamCount = 40

    private static func processID(in file: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
