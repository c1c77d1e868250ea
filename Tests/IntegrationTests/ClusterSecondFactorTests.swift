import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// Second factors shared by the nodes of a cluster (issue 19, item 5): bob enrolled through
    /// node 1 is asked for his code on node 2 and accepted; the same code again on node 1 is a
    /// replay; PostgreSQL holds his secret sealed only; a reset through node 2 applies on node
    /// 1; with PostgreSQL down, a login that needs a code is refused (fail closed). Two real
    /// gateway processes, one real PostgreSQL, real OpenSSH clients, codes from `oathtool`.
    @Suite(.clusterPair, .serialized, .timeLimit(.minutes(5)))
    struct ClusterSecondFactorTests {
        private static let unavailableLine = "tracegate: the verification code cannot be checked now; try again later"

        /// An askpass that answers every prompt with `code` (ssh asks up to three times).
        private func answering(_ code: String, in scene: ClusterPairScene) throws -> (options: [String], environment: [String: String]) {
            let name = "code-\(UInt32.random(in: 1000...9999))"
            let codeFile = try scene.first.directory.write(code + "\n", to: name)
            let askpass = try scene.first.directory.write("#!/bin/sh\ncat \(codeFile)\n", to: name + ".sh", mode: 0o755)
            return (["-o", "BatchMode=no", "-o", "LogLevel=INFO"],
                    ["SSH_ASKPASS": askpass, "SSH_ASKPASS_REQUIRE": "force"])
        }

        private func bobToWeb06(_ client: OpenSSHClient, code: String, _ command: String, in scene: ClusterPairScene)
            async throws -> ProcessResult
        {
            let answer = try answering(code, in: scene)
            return try await client.ssh(command, options: answer.options, environment: answer.environment)
        }

        /// The operator opens a window on gw-1 (the row is the cluster's), then bob runs
        /// `ssh -tt bob@gw-1 mfa enroll` on a pty, driven as in the single-node enrolment tests.
        private func enrolBobThroughNodeOne(_ scene: ClusterPairScene) async throws -> String {
            try await scene.first.gateway.run(["mfa", "reset", "bob", "--window", "10m"]).checked("mfa reset bob on gw-1")
            let driver = try scene.first.directory.write(SecondFactorGateway.enrolDriver, to: "enrol.py")
            let client = scene.onFirst("bob")
            let result = try await ProcessRunner(environment: OpenSSHClient.environment(adding: ["TERM": "xterm"]),
                                                 workingDirectory: scene.first.directory.path).run(
                "python3", [driver, try ExecutableLocator.find("ssh")] + client.sshArguments("mfa enroll", options: ["-tt"]),
                timeout: .seconds(60))
            let secret = result.stdout.split(separator: "\n").last { $0.hasPrefix("SECRET=") }.map { String($0.dropFirst(7)) }
            try #require(result.stdout.contains("Enrolled.") && result.stdout.contains("EXIT=0"),
                         "enrolment through gw-1 failed\n\(result)\n\(scene.logTails)")
            return try #require(secret.flatMap { $0.isEmpty ? nil : $0 })
        }

        @Test func bobEnrolledThroughNodeOneLogsInOnNodeTwoAndHisCodeIsSpentOnBoth() async throws {
            let scene = try SharedClusterPair.current()
            let secret = try await enrolBobThroughNodeOne(scene)
            let authenticators = Authenticators(directory: scene.first.directory.path)
            authenticators.enrolled("bob", secret: secret)

            // gw-2 knows bob's factor: it asks, and accepts his code.
            let code = try await authenticators.nextCode(for: "bob")
            let onSecond = try await bobToWeb06(try scene.onSecond("bob", target: "web-06"), code: code, "echo in-$((3*4))",
                                                in: scene)
            #expect(onSecond.succeeded && onSecond.stdout == "in-12\n", "\(onSecond)\n\(scene.logTails)")
            let accepted = try await scene.secondAuditDatabase.waitForRows("""
                SELECT id FROM events WHERE kind = 'mfa.attempt' AND "user" = 'bob' AND result = 'accepted'
                """)
            #expect(accepted.count == 1, "gw-2 recorded no accepted code: \(accepted)")

            // The same code on gw-1: a replay, refused each time ssh offers it.
            let mark = try await scene.first.auditDatabase.lastEventID()
            let replayed = try await bobToWeb06(scene.onFirst("bob", target: "web-06"), code: code, "echo replayed", in: scene)
            #expect(replayed.status == 255 && !replayed.stdout.contains("replayed"), "\(replayed)")
            let replays = try await scene.first.auditDatabase.waitForRows("""
                SELECT result FROM events WHERE id > \(mark) AND kind = 'mfa.attempt' AND "user" = 'bob'
                """)
            #expect(!replays.isEmpty && replays.allSatisfy { $0["result"] == "replayed" }, "\(replays)\n\(scene.logTails)")

            // PostgreSQL holds the secret sealed: neither its base32 text nor its bytes are in the
            // row, nor in the table's file on disk (after a checkpoint wrote it there).
            let rows = try await scene.postgres.query("""
                SELECT encode(sealed_secret, 'hex'), enrolled_node, last_step IS NOT NULL FROM second_factor_secrets WHERE "user" = 'bob'
                """, database: ClusterPairScene.database)
            let row = try #require(rows.first?.split(separator: "|").map(String.init), "no row for bob in PostgreSQL")
            #expect(row.count == 3 && row[1] == "gw-1" && row[2] == "t", "\(rows)")
            let raw = try #require(Base32.decode(secret), "the secret \(secret.count) characters is not base32")
            let sealedHex = row[0]
            #expect(sealedHex.count >= 2 * (raw.count + 28), "a sealed secret has a 12-byte nonce and a 16-byte tag: \(sealedHex.count)")
            #expect(!sealedHex.contains(Hex.encode(raw)) && !sealedHex.contains(Hex.encode(Array(secret.utf8))))
            let everything = try await scene.postgres.query(
                "SELECT row_to_json(s)::text FROM second_factor_secrets s", database: ClusterPairScene.database).joined()
            #expect(!everything.contains(secret), "the base32 secret is in clear in PostgreSQL")
            _ = try await scene.postgres.query("CHECKPOINT", database: ClusterPairScene.database)
            let file = try #require(try await scene.postgres.query("""
                SELECT current_setting('data_directory') || '/' || pg_relation_filepath('second_factor_secrets')
                """, database: ClusterPairScene.database).first)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(Hex.decode(sealedHex) ?? [])) != nil, "the table's file \(file) is not where the row is")
            #expect(bytes.range(of: Data(secret.utf8)) == nil && bytes.range(of: Data(raw)) == nil,
                    "the secret is in clear in \(file)")

            // A reset through gw-2 (no window: the factor goes) applies on gw-1 at once.
            try await scene.second.run(["mfa", "reset", "bob", "--no-window"]).checked("mfa reset bob on gw-2")
            let afterReset = try await bobToWeb06(scene.onFirst("bob", target: "web-06"),
                                                  code: try await authenticators.nextCode(for: "bob"), "echo after-reset", in: scene)
            #expect(afterReset.status == 255 && afterReset.stderr.contains("bob has none enrolled"), "\(afterReset)")
            let list = try await scene.first.gateway.run(["mfa", "list"]).checked("mfa list on gw-1")
            let bobLine = list.stdout.split(separator: "\n").first { $0.hasPrefix("bob ") }.map(String.init) ?? ""
            #expect(bobLine.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).allSatisfy { $0 == "-" },
                    "gw-1's list still shows bob's factor: \(list.stdout)")
        }

        @Test func withPostgreSQLDownWhatNeedsBobsCodeIsRefusedWithOneLineAndAnEventAndWhatNeedsNoneWorks() async throws {
            let scene = try SharedClusterPair.current()
            let secret = try await enrolBobThroughNodeOne(scene)
            // gw-2's feed hears of the enrolment by NOTIFY; its periodic re-read (3 s) is the bound.
            try await Task.sleep(for: .seconds(3.5))
            let mark = try await scene.secondAuditDatabase.lastEventID()
            try await scene.postgres.stop()
            var restarted = false
            defer { if !restarted { Task { [postgres = scene.postgres] in try? await postgres.restart() } } }

            // A code that would be right: it cannot be checked, so it is not asked for.
            let code = try await Authenticators.code(secret: secret, step: Authenticators.currentStep + 1)
            let started = ContinuousClock.now
            let refused = try await bobToWeb06(try scene.onSecond("bob", target: "web-06"), code: code, "echo in", in: scene)
            let waited = ContinuousClock.now - started
            #expect(refused.status == 255 && !refused.stdout.contains("in")
                    && refused.stderr.contains(Self.unavailableLine), "\(refused)\n\(scene.logTails)")
            #expect(waited < .seconds(15), "the refusal took \(waited)")
            // bob is enrolled, so the gateway's shell would ask him too: refused as well.
            let shell = try await bobToWeb06(try scene.onSecond("bob"), code: code, "whoami", in: scene)
            #expect(shell.status == 255 && shell.stderr.contains(Self.unavailableLine), "\(shell)")
            let events = try await scene.secondAuditDatabase.waitForRows("""
                SELECT reason FROM events WHERE id > \(mark) AND kind = 'mfa.attempt' AND "user" = 'bob' AND result = 'unavailable'
                """)
            #expect(events.count == 2 && events.allSatisfy { $0["reason"]?.contains("PostgreSQL") == true }, "\(events)")

            // What needs no code goes on: bob's web-01 (no require_mfa), and the gateway's shell
            // of alice, whom the cluster does not have enrolled.
            let plain = try await scene.onSecond("bob", target: "web-01").ssh("echo plain")
            #expect(plain.succeeded && plain.stdout == "plain\n", "\(plain)")
            let alice = try await scene.onSecond("alice").ssh("whoami")
            #expect(alice.succeeded && alice.stdout.contains("alice"), "\(alice)\n\(scene.logTails)")

            try await scene.postgres.restart()
            restarted = true
            // Back: bob's next code is accepted on gw-2 (its pool reconnects on its own).
            let authenticators = Authenticators(directory: scene.first.directory.path)
            authenticators.enrolled("bob", secret: secret)
            let back = try await bobToWeb06(try scene.onSecond("bob", target: "web-06"),
                                            code: try await authenticators.nextCode(for: "bob"), "echo back", in: scene)
            #expect(back.succeeded && back.stdout == "back\n", "\(back)\n\(scene.logTails)")
        }
    }
}

/// RFC 4648 base32 (the alphabet of otpauth:// secrets), decoding only: the test compares the
/// secret's raw bytes with what PostgreSQL stores.
private enum Base32 {
    static func decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in text where character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}

private enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        return stride(from: 0, to: characters.count, by: 2).compactMap { UInt8(String(decoding: characters[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}
