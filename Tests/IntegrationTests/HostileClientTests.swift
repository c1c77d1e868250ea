import Foundation
import Testing
import TestSupport

/// Whether Debian's python3-paramiko is installed for /usr/bin/python3 (scripts/test.sh installs it).
private let paramikoAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: HostileClient.python)
    process.arguments = ["-c", "import paramiko"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// Short, so that the one case libssh leaves unanswered (below) ends quickly.
private let hostileAuthTimeout = 5

enum HostileClient {
    static let python = "/usr/bin/python3"
    /// fuzz/ssh_fuzz.py in this repository.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/ssh_fuzz.py").path
}

extension IntegrationSuite {
    /// fuzz/ssh_fuzz.py (paramiko and raw sockets) against the gateway: malformed user names,
    /// hostile channel requests, garbage instead of SSH. Every case gets an answer (an error,
    /// or a proper result), the gateway serves a normal session after each, the refusals the
    /// gateway decides are in the trail, and no client text forges a log line.
    @Suite(.enabled(if: paramikoAvailable, "needs python3-paramiko for /usr/bin/python3 (apt-get install python3-paramiko)"),
           .gatewayFixture {
               $0.limits = [("auth_timeout", "\(hostileAuthTimeout)s")]
               // Debian 12's paramiko (2.12) has no AES-GCM, the only cipher offered to clients by
               // default: the gateway is configured as for old clients, with aes128-ctr added.
               $0.configurationLines = ["algorithms: {ciphers: [aes256-gcm@openssh.com, aes128-gcm@openssh.com, aes128-ctr]}"]
           }, .timeLimit(.minutes(5)))
    struct HostileClientTests {
        @Test func everyHostileCaseIsAnsweredAndTheGatewayServesOn() async throws {
            let fixture = try SharedGateway.current()
            let database = fixture.auditDatabase
            let arguments = [
                HostileClient.script, "--port", "\(fixture.gateway.port)", "--key", fixture.aliceKey.privateKeyPath,
                "--host-key", try fixture.gateway.hostKeyLine(), "--user", "\(fixture.login)@web-01",
            ]
            // TRACEGATE_FUZZ_CASES="a b" runs only those cases (by hand, while investigating one).
            let only = ProcessInfo.processInfo.environment["TRACEGATE_FUZZ_CASES"]?.split(separator: " ").flatMap { ["--case", String($0)] } ?? []
            let run = try await ProcessRunner().run(HostileClient.python, arguments + only, timeout: .seconds(270))
            // TRACEGATE_FUZZ_REPORT=FILE keeps the per-case JSON lines (answers, timings) for reading.
            if let report = ProcessInfo.processInfo.environment["TRACEGATE_FUZZ_REPORT"] {
                try? Data(run.stdout.utf8).write(to: URL(fileURLWithPath: report))
                try? Data(fixture.gateway.log.utf8).write(to: URL(fileURLWithPath: report + ".gateway.log"))
            }
            let records = run.stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
            let expectedCases = try await ProcessRunner().run(HostileClient.python, [HostileClient.script, "--list"])
                .stdout.split(separator: "\n").map(String.init)
            #expect(records.count == expectedCases.count && expectedCases.count >= 20,
                    "\(records.count) of \(expectedCases.count) cases reported\n\(run)\n\(fixture.gatewayLogTail)")
            for record in records {
                let name = record["case"] as? String ?? "?"
                #expect(record["alive"] as? Bool == true, "no normal session after \(name): \(record)\n\(fixture.gatewayLogTail)")
                #expect(record["answered"] as? Bool == true, "\(name) was not answered: \(record)")
            }
            #expect(run.succeeded, "\(run)")

            // A data packet whose length field lies is dropped, the session goes on; a short
            // one is taken for what it says (the libssh patch that buffers data in place keeps
            // ssh_buffer_get_ssh_string's check).
            let lies = try #require(records.first { $0["case"] as? String == "channel-data-length-lies" })
            #expect(lies["echoed"] as? String == "after\n", "\(lies)")
            let short = try #require(records.first { $0["case"] as? String == "channel-data-length-short" })
            #expect(short["echoed"] as? String == "abafter\n", "\(short)")

            // libssh 0.10.6 drops a userauth request whose user name holds a NUL byte without
            // any reply: the only answer is the authentication deadline, which closes the
            // connection (audited as auth_timeout). Slow, but bounded and recorded.
            let nul = try #require(records.first { $0["case"] as? String == "username-nul" })
            let nulSeconds = nul["seconds"] as? Double ?? 0
            #expect(nulSeconds >= Double(hostileAuthTimeout) - 1 && nulSeconds < Double(hostileAuthTimeout) + 5, "\(nul)")
            let deadlines = try await database.query("SELECT * FROM events WHERE kind = 'connection.close' AND reason = 'auth_timeout'")
            #expect(deadlines.count >= 1, "the NUL user name's connection should end at auth_timeout")
            #expect(fixture.gateway.isRunning, "\(fixture.gatewayLogTail)")

            // The refusals the gateway decides are in the trail, once per kind and connection.
            let refused = try await database.query("SELECT * FROM events WHERE kind = 'request.refused'")
            let reasons = Set(refused.compactMap { row in row["reason"].map { "\(row.json("details", "request") ?? "?"): \($0)" } })
            for expected in [
                "env: value longer than 8192 bytes", "env: variable not in env_allow", "env: more than 64 variables",
                "pty-req: terminal size out of range (at most 65535)", "window-change: terminal size out of range (at most 65535)",
                "subsystem: invalid subsystem name", "channel-open: unsupported channel type (unknown)",
                "exec: sent after the client closed the channel",
            ] {
                #expect(reasons.contains(expected), "missing request.refused \(expected) in \(reasons.sorted())")
            }
            // An exec sent after the channel's CLOSE started nothing on the target.
            let afterClose = try await database.query(
                "SELECT * FROM events WHERE kind = 'session.start' AND details LIKE '%exec-after-close%'")
            #expect(afterClose.isEmpty, "an exec after CLOSE reached the target: \(afterClose)")
            let floodConnection = refused.filter { $0["reason"] == "more than 64 variables" }
            #expect(floodConnection.count == 1, "5000 env requests must leave one event, not thousands: \(floodConnection.count)")
            let malformed = try await database.query(
                "SELECT * FROM events WHERE kind = 'access.decision' AND reason LIKE 'tracegate: malformed username%'")
            #expect(malformed.count >= 3, "malformed user names should be denied in the trail: \(malformed)")
            let garbage = try await database.query(
                "SELECT * FROM events WHERE kind = 'connection.close' AND reason = 'kex_failed'")
            #expect(garbage.count >= 4, "garbage instead of SSH should close as kex_failed: \(garbage.count)")

            // The file ledger stopped following the SFTP streams it could not parse, and said so;
            // the gateway (checked above) served normal sessions after each.
            let ledgerStops = try await database.query("SELECT * FROM events WHERE kind = 'file.ledger_stop' AND result = 'unparsed'")
            #expect(ledgerStops.count >= 2, "hostile SFTP streams should each stop their ledger: \(ledgerStops.count)")

            // Nothing a client sent can start a log line of its own.
            #expect(!fixture.gateway.log.split(separator: "\n").contains { $0.hasPrefix("FORGED") },
                    "a client-controlled newline reached the log\n\(fixture.gatewayLogTail)")
            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
        }
    }
}
