import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// What real OpenSSH clients leave in the audit trail: for each way a connection can go,
    /// exactly the expected events, in order, with the fields an auditor relies on, checked
    /// against what the client side knows independently (ssh -V, ssh-keygen -lf, ss).
    @Suite(
        .gatewayFixture {
            $0.mispinnedTargetNames = ["web-03"]
            $0.unreachableTargetNames = ["web-down"]
        },
        .timeLimit(.minutes(4))
    )
    struct AuditTrailEventTests {
        static let authenticated = ["connection.open", "auth.attempt"]
        static let session = authenticated + ["access.decision", "upstream.connect", "channel.open", "session.close", "connection.close"]

        @Test func execIsRecordedWithItsCommandExitStatusAndBytes() async throws {
            let fixture = try SharedGateway.current()
            let version = try await ClientFacts.openSSHVersion()
            let input = Data(repeating: UInt8(ascii: "x"), count: 1234)
            let command = "cat >/dev/null; sleep 1; printf %s 0123456789"
            var sourcePort: Int?
            let observed = try await fixture.observeConnection {
                let ssh = try fixture.alice(on: "web-01").spawnSSH(command, input: .data(input))
                while ssh.isRunning && sourcePort == nil {
                    sourcePort = try await ClientFacts.sourcePort(ofProcess: ssh.pid, connectedTo: fixture.gateway.port)
                    try await Task.sleep(for: .milliseconds(50))
                }
                if await ssh.waitForExit(timeout: .seconds(60)) == nil { ssh.terminateGroup() }
                return await ssh.result()
            }
            let (result, connection, events) = observed
            let context = "\(result)\nconnection: \(connection)\nevents:\n" + events.map(\.description).joined(separator: "\n")
            #expect(result.succeeded && result.stdout == "0123456789", "\(context)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.session, "\(context)")
            let port = try #require(sourcePort, "ss never showed the ssh connection\n\(context)")

            for event in events {
                #expect(event["source_address"] == "127.0.0.1", "\(event)")
                #expect(event.int("source_port") == port, "source port (ss says \(port)): \(event)")
                #expect(event["client_version"]?.contains(version) == true, "client version (\(version)): \(event)")
            }
            for event in events.dropFirst() {
                #expect(event["user"] == "alice" && event["organization"] == "retailer", "\(event)")
                #expect(event["key_type"] == "ssh-ed25519", "\(event)")
                #expect(event["key_fingerprint"] == fixture.aliceKey.fingerprint, "key (ssh-keygen -lf: \(fixture.aliceKey.fingerprint)): \(event)")
            }
            for event in events.dropFirst(2) {
                #expect(event["target"] == "web-01" && event["login"] == fixture.login, "\(event)")
            }
            let attempt = events[1], decision = events[2], upstream = events[3]
            let opened = events[4], closed = events[5], end = events[6]
            #expect(attempt["result"] == "accepted" && attempt.json("details", "method") == "publickey", "\(attempt)")
            #expect(decision["result"] == "allowed" && decision.json("details", "grant") != nil, "\(decision)")
            let web01 = fixture.target("web-01")
            #expect(upstream["result"] == "ok", "\(upstream)")
            #expect(upstream.json("details", "host_key_fingerprint") == web01.hostKeyFingerprint, "\(upstream)")
            #expect(upstream.json("details", "address") == web01.address, "\(upstream)")
            let sessionID = try #require(opened["session_id"], "\(opened)")
            #expect(sessionID.hasPrefix("s-"))
            #expect(opened.json("details", "type") == "exec" && opened.json("details", "command") == command, "\(opened)")
            #expect(closed["session_id"] == sessionID && closed["result"] == "ok", "\(closed)")
            #expect(closed.json("details", "exit_status") == "0", "\(closed)")
            #expect(closed.json("details", "bytes_in") == "1234" && closed.json("details", "bytes_out") == "10", "\(closed)")
            #expect(end["reason"] == "client_quit" && end["session_id"] == nil, "\(end)")

            #expect(connection["status"] == "closed" && connection["result"] == "allowed", "\(connection)")
            #expect(connection["user"] == "alice" && connection["organization"] == "retailer", "\(connection)")
            #expect(connection["key_fingerprint"] == fixture.aliceKey.fingerprint && connection.int("auth_attempts") == 1, "\(connection)")
            #expect(connection.int("source_port") == port && connection["client_version"]?.contains(version) == true, "\(connection)")
            #expect(connection["target"] == "web-01" && connection["login"] == fixture.login, "\(connection)")
            #expect(connection["upstream_result"] == "ok" && connection["upstream_host_key"] == web01.hostKeyFingerprint, "\(connection)")
            #expect(connection["close_reason"] == "client_quit" && connection.int("session_count") == 1, "\(connection)")
            #expect(connection.int("bytes_in") == 1234 && connection.int("bytes_out") == 10, "\(connection)")
            #expect(connection.int("first_event_id") == events.first?.int("id") && connection.int("last_event_id") == events.last?.int("id"),
                    "\(connection)")

            let sessions = try await fixture.auditDatabase.sessions(ofConnection: try #require(connection["connection_id"]))
            try #require(sessions.count == 1, "\(sessions)")
            let row = sessions[0]
            #expect(row["session_id"] == sessionID && row["channel_type"] == "exec" && row["command"] == command, "\(row)")
            #expect(row.int("exit_status") == 0 && row["result"] == "ok" && row["status"] == "closed", "\(row)")
            #expect(row.int("bytes_in") == 1234 && row.int("bytes_out") == 10, "\(row)")
            #expect(row["user"] == "alice" && row["organization"] == "retailer" && row["target"] == "web-01", "\(row)")
        }

        @Test func failingExecRecordsItsExitStatus() async throws {
            let fixture = try SharedGateway.current()
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo out; echo err >&2; exit 3")
            }
            #expect(result.termination == .exited(3), "\(result)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.session, "\(events)")
            let closed = events[5]
            #expect(closed["result"] == "failed" && closed.json("details", "exit_status") == "3", "\(closed)")
            // Both of the command's output streams travel from the target to the client.
            #expect(closed.json("details", "bytes_out") == "8" && closed.json("details", "bytes_in") == "0", "\(closed)")
            #expect(connection["result"] == "allowed", "\(connection)")
        }

        @Test func shellWithATerminalIsRecordedWithItsPty() async throws {
            let fixture = try SharedGateway.current()
            let input = "echo shell-$((6*7))\nexit 0\n"
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh(
                    nil, options: ["-tt"], input: .data(Data(input.utf8)), environment: ["TERM": "xterm-256color"])
            }
            let context = "\(result)\nevents:\n" + events.map(\.description).joined(separator: "\n") + "\n" + fixture.gatewayLogTail
            #expect(result.succeeded && result.stdout.contains("shell-42"), "\(context)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.session, "\(context)")
            let opened = events[4], closed = events[5]
            #expect(opened.json("details", "type") == "shell" && opened.json("details", "command") == nil, "\(opened)")
            let pty = opened.json("details", "pty").flatMap(AuditJSON.object)
            #expect(pty?["term"] as? String == "xterm-256color", "\(opened)")
            #expect(closed.json("details", "exit_status") == "0" && closed["result"] == "ok", "\(closed)")
            #expect(closed.json("details", "bytes_in") == String(input.utf8.count), "\(closed)")
            let bytesOut = Int(closed.json("details", "bytes_out") ?? "") ?? -1
            #expect(bytesOut >= result.standardOutput.count && bytesOut > 0, "bytes_out vs \(result.standardOutput.count) received: \(closed)")
            let sessions = try await fixture.auditDatabase.sessions(ofConnection: try #require(connection["connection_id"]))
            #expect(sessions.count == 1 && sessions.first?["channel_type"] == "shell" && sessions.first?["pty_term"] == "xterm-256color",
                    "\(sessions)")
        }

        @Test func scpUploadIsRecordedAsAnSFTPSubsystemWithItsBytes() async throws {
            let fixture = try SharedGateway.current()
            let scratch = try TemporaryDirectory(prefix: "tracegate-auditscp")
            let local = scratch.file("payload")
            let size = 200_000
            try RandomFile.write(local, byteCount: size)
            let remoteName = "audit-scp-\(UUID().uuidString.prefix(8))"
            let client = fixture.alice(on: "web-01")
            let (result, connection, events) = try await fixture.observeConnection {
                try await client.scp([local], client.remote(remoteName))
            }
            #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            // The file ledger's entry for the one file comes before the session's close.
            var expected = Self.session
            expected.insert("file.transfer", at: 5)
            try #require(events.map { $0["kind"] ?? "?" } == expected, "\(events)")
            let opened = events[4], file = events[5], closed = events[6]
            #expect(opened.json("details", "type") == "subsystem" && opened.json("details", "subsystem") == "sftp", "\(opened)")
            #expect(file.json("details", "sha256") == (try await FileDigest.sha256(local)) && file.json("details", "direction") == "upload",
                    "\(file)")
            #expect(closed["result"] == "ok" || closed["result"] == "closed", "\(closed)")
            let bytesIn = Int(closed.json("details", "bytes_in") ?? "") ?? -1
            #expect(bytesIn >= size, "the upload of \(size) bytes must count as bytes_in: \(closed)")
            #expect(connection.int("bytes_in") == bytesIn && connection["result"] == "allowed", "\(connection)")
            _ = try? await client.ssh("rm -f \(remoteName)")
        }

        @Test func unknownKeyIsRecordedWithItsFingerprintAndNothingMore() async throws {
            let fixture = try SharedGateway.current()
            let stranger = try await KeyPair.generate(in: fixture.directory.path, name: "audit-stranger")
            let client = try fixture.gatewayClient(identity: stranger, name: "gw-audit-stranger").withUser("\(fixture.login)@web-01")
            let (result, connection, events) = try await fixture.observeConnection { try await client.ssh("true") }
            #expect(result.termination == .exited(255), "\(result)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.authenticated + ["connection.close"], "\(events)")
            let attempt = events[1]
            #expect(attempt["result"] == "unknown_key" && attempt.json("details", "method") == "publickey", "\(attempt)")
            #expect(attempt["key_fingerprint"] == stranger.fingerprint && attempt["key_type"] == "ssh-ed25519", "\(attempt)")
            #expect(attempt["user"] == nil && attempt["organization"] == nil, "an unknown key belongs to nobody: \(attempt)")
            #expect(connection["result"] == "unknown_key" && connection["user"] == nil, "\(connection)")
            #expect(connection["key_fingerprint"] == stranger.fingerprint && connection.int("session_count") == 0, "\(connection)")
            #expect(connection["close_reason"] != nil, "\(connection)")
        }

        @Test func deniedLoginIsRecordedWithTheReason() async throws {
            let fixture = try SharedGateway.current()
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.bob(on: "web-01", as: "deploy").ssh("true", options: refusalOptions)
            }
            #expect(result.stderr.contains("tracegate: bob may not log in as deploy on web-01"), "\(result)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.authenticated + ["access.decision", "connection.close"], "\(events)")
            let attempt = events[1], decision = events[2]
            #expect(attempt["result"] == "accepted" && attempt["key_fingerprint"] == fixture.bobKey.fingerprint, "\(attempt)")
            #expect(decision["result"] == "denied", "\(decision)")
            #expect(decision["reason"]?.contains("bob may not log in as deploy on web-01") == true, "\(decision)")
            #expect(decision["user"] == "bob" && decision["organization"] == "provider", "\(decision)")
            #expect(decision["target"] == "web-01" && decision["login"] == "deploy", "\(decision)")
            #expect(connection["result"] == "denied" && connection["reason"] == decision["reason"], "\(connection)")
            #expect(connection["upstream_result"] == nil && connection.int("session_count") == 0, "\(connection)")
        }

        @Test func hostKeyMismatchIsRecordedWithTheKeySeen() async throws {
            let fixture = try SharedGateway.current()
            let seen = fixture.target("web-01").hostKeyFingerprint
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-03").ssh("true", options: refusalOptions)
            }
            #expect(result.stderr.contains("does not match the pinned key (seen \(seen))"), "\(result)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.authenticated + ["access.decision", "upstream.connect", "connection.close"],
                         "\(events)")
            let decision = events[2], upstream = events[3]
            #expect(decision["result"] == "allowed" && decision["target"] == "web-03", "\(decision)")
            #expect(upstream["result"] == "failed", "\(upstream)")
            #expect(upstream.json("details", "host_key_fingerprint") == seen, "the key seen must be recorded: \(upstream)")
            #expect(upstream["reason"]?.contains("does not match the pinned key") == true, "\(upstream)")
            #expect(connection["result"] == "failed" && connection["upstream_result"] == "failed", "\(connection)")
            #expect(connection["upstream_host_key"] == seen && connection.int("session_count") == 0, "\(connection)")
        }

        @Test func unreachableTargetIsRecordedAsAFailedUpstream() async throws {
            let fixture = try SharedGateway.current()
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-down").ssh("true", options: refusalOptions)
            }
            #expect(result.stderr.contains("tracegate: target web-down is unreachable"), "\(result)")
            try #require(events.map { $0["kind"] ?? "?" } == Self.authenticated + ["access.decision", "upstream.connect", "connection.close"],
                         "\(events)")
            let upstream = events[3]
            #expect(upstream["result"] == "failed" && upstream["target"] == "web-down", "\(upstream)")
            #expect(upstream["reason"]?.contains("unreachable") == true, "\(upstream)")
            #expect(upstream.json("details", "host_key_fingerprint") == nil, "no key was seen: \(upstream)")
            #expect(upstream.json("details", "address")?.hasPrefix("127.0.0.1:") == true, "\(upstream)")
            #expect(connection["result"] == "failed" && connection["upstream_result"] == "failed", "\(connection)")
            #expect(connection["reason"] == upstream["reason"], "\(connection)")
        }

        @Test func connectionIdInTheLogIsTheOneInTheTrail() async throws {
            let fixture = try SharedGateway.current()
            let (_, connection, _) = try await fixture.observeConnection { try await fixture.alice(on: "web-02").ssh("true") }
            let id = try #require(connection["connection_id"])
            #expect(id.range(of: "^c-[0-9a-f]{16}$", options: .regularExpression) != nil, "\(id)")
            #expect(fixture.gateway.log.contains("tg.connection=\(id)"), "\(fixture.gatewayLogTail)")
        }
    }
}
