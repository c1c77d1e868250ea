import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// The second factor on the wire, with the real OpenSSH client answering the gateway's
    /// keyboard-interactive prompt through SSH_ASKPASS and codes from Debian's oathtool.
    @Suite(.secondFactorGateway, .timeLimit(.minutes(8)))
    struct SecondFactorTests {
        static let banner = "tracegate: this access needs a verification code; connect from a terminal (ssh -o BatchMode=no)"

        /// Every way in that carries data: no path may skip the code (the CVE-2023-45140 class,
        /// where scp and sftp did not honour a bastion's MFA).
        enum Path: String, CaseIterable, Sendable {
            case exec, ptyShell, scp, sftp, rsync, tunnel

            /// Each path is tried by its own user of group `ops` (mfa: required).
            var user: String {
                switch self {
                case .exec: "o1"
                case .ptyShell: "o2"
                case .scp: "o3"
                case .sftp: "o4"
                case .rsync: "o5"
                case .tunnel: "o6"
                }
            }
        }

        private func run(_ path: Path, _ gateway: SecondFactorGateway, answering: SecondFactorGateway.Answering,
                         marker: String) async throws -> (result: ProcessResult, arrived: Bool) {
            let user = path.user
            let target = "\(gateway.login)@web-01"
            let scratch = try TemporaryDirectory(prefix: "tracegate-mfa-path")
            let local = try scratch.write(marker + "\n", to: "payload")
            let remote = "/tmp/tracegate-mfa-\(marker)"
            defer { try? FileManager.default.removeItem(atPath: remote) }
            let result: ProcessResult
            switch path {
            case .exec:
                result = try await gateway.ssh(user, as: target, "echo \(marker)", answering: answering)
                return (result, result.stdout.contains(marker))
            case .ptyShell:
                let client = gateway.client(user, as: target)
                result = try await gateway.runner(answering).run(
                    "ssh", client.sshArguments(nil, options: answering.options + ["-tt"]),
                    input: .data(Data("echo \(marker)-$((40+2))\nexit\n".utf8)), timeout: .seconds(60))
                return (result, result.stdout.contains("\(marker)-42"))
            case .scp:
                result = try await gateway.scp(user, as: target, [local], gateway.client(user, as: target).remote(remote),
                                               answering: answering)
            case .sftp:
                result = try await gateway.sftp(user, as: target, batch: "put \(local) \(remote)\n", answering: answering)
            case .rsync:
                result = try await gateway.rsync(user, as: target, [local, gateway.client(user, as: target).remote(remote)],
                                                 answering: answering)
            case .tunnel:
                result = try await gateway.tunnel(user, "echo \(marker)", answering: answering)
                return (result, result.stdout.contains(marker))
            }
            let arrived = (try? String(contentsOfFile: remote, encoding: .utf8)) == marker + "\n"
            return (result, arrived)
        }

        @Test(arguments: Path.allCases)
        func noPathSkipsTheCode(_ path: Path) async throws {
            let gateway = try SharedSecondFactorGateway.current()
            let marker = "mfa-\(path.rawValue)-\(UInt32.random(in: 0...UInt32.max))"
            // Without a code (BatchMode): refused before anything reaches the target.
            let refused = try await run(path, gateway, answering: try gateway.unanswering(), marker: marker + "-batch")
            #expect(refused.result.status != 0 && !refused.arrived, "\(path) got through without a code\n\(refused.result)")
            #expect(refused.result.stderr.contains(Self.banner), "\(path): no banner\n\(refused.result)")
            let opened = try await gateway.audit.query(
                "SELECT id FROM events WHERE kind IN ('channel.open', 'upstream.connect') AND user = '\(path.user)'")
            #expect(opened.isEmpty, "\(path): a channel or upstream opened without a code: \(opened)")

            // With the right code: asked once, and the path works.
            let answering = try await gateway.answering(path.user)
            let allowed = try await run(path, gateway, answering: answering, marker: marker)
            #expect(allowed.result.succeeded && allowed.arrived, "\(path) failed with a right code\n\(allowed.result)\n\(gateway.logTail)")
            #expect(answering.prompts.count == 1 && answering.prompts.allSatisfy { $0.contains("Verification code for \(path.user): ") },
                    "\(path): prompts \(answering.prompts)")
            let rows = try await gateway.audit.waitForRows(
                "SELECT second_factor FROM connections WHERE user = '\(path.user)' AND second_factor = 'code'")
            #expect(!rows.isEmpty, "\(path): no connection row with second_factor=code")
        }

        /// The rows of `sql`, polled until there are at least `count` (or 10 s passed).
        private func rows(_ gateway: SecondFactorGateway, count: Int, _ sql: String) async throws -> [AuditRow] {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let rows = try await gateway.audit.query(sql)
                if rows.count >= count || ContinuousClock.now >= deadline { return rows }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        @Test func batchModeGetsTheDocumentedRefusalAndItsAuditRow() async throws {
            let gateway = try SharedSecondFactorGateway.current()
            let result = try await gateway.ssh("alice", as: "\(gateway.login)@web-01", "true",
                                               answering: try gateway.unanswering(), source: "127.0.0.5")
            #expect(result.status == 255, "\(result)")
            #expect(result.stderr.contains(Self.banner + "\n"), "\(result)")
            let rows = try await gateway.audit.waitForRows(
                "SELECT reason FROM events WHERE kind = 'mfa.attempt' AND user = 'alice' AND result = 'unanswered' AND source_address = '127.0.0.5'")
            #expect(rows.first?["reason"]?.contains("did not answer") == true, "\(rows)")
        }

        @Test func threeWrongCodesEndTheConnectionAndCountForThePenalty() async throws {
            let gateway = try SharedSecondFactorGateway.current()
            let source = "127.0.0.40"  // outside the exempt 127.0.0.0/28
            for round in 1...2 {
                let answering = try await gateway.answering("bob", code: "000000")
                let result = try await gateway.ssh("bob", as: "\(gateway.login)@web-02", "echo in", answering: answering,
                                                   source: source)
                #expect(result.status == 255 && !result.stdout.contains("in"), "round \(round): \(result)")
                #expect(answering.prompts.count == 3, "round \(round): prompts \(answering.prompts)")
            }
            // The trail is written in batches: wait for the rows of both connections.
            let wrong = try await rows(gateway, count: 6,
                "SELECT json_extract(details, '$.attempt') AS attempt FROM events WHERE kind = 'mfa.attempt' AND result = 'wrong' AND source_address = '\(source)' ORDER BY id")
            #expect(wrong.map { $0["attempt"] ?? "" } == ["1", "2", "3", "1", "2", "3"], "\(wrong)")
            let closed = try await rows(gateway, count: 2,
                "SELECT close_reason FROM connections WHERE source_address = '\(source)' AND close_reason = 'too_many_attempts'")
            #expect(closed.count == 2, "\(closed)")
            let penalties = try await gateway.audit.waitForRows(
                "SELECT reason FROM events WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '\(source)'")
            #expect(penalties.first?["reason"] == "auth_failure", "\(penalties)\n\(gateway.logTail)")
            // No code ever appears in the trail, wrong or right.
            let leaked = try await gateway.audit.query("SELECT id FROM events WHERE details LIKE '%000000%'")
            #expect(leaked.isEmpty, "\(leaked)")
        }

        @Test func aReplayedCodeIsRefusedAlsoOnAnotherConnection() async throws {
            let gateway = try SharedSecondFactorGateway.current()
            let answering = try await gateway.answering("alice")
            let first = try await gateway.ssh("alice", as: "\(gateway.login)@web-01", "echo first", answering: answering,
                                              source: "127.0.0.3")
            #expect(first.succeeded && first.stdout == "first\n", "\(first)\n\(gateway.logTail)")
            // The same code again, from another address (no reuse window applies).
            let again = try await gateway.ssh("alice", as: "\(gateway.login)@web-01", "echo again", answering: answering,
                                              source: "127.0.0.4")
            #expect(again.status == 255 && !again.stdout.contains("again"), "\(again)")
            let replays = try await rows(gateway, count: 3,
                "SELECT id FROM events WHERE kind = 'mfa.attempt' AND user = 'alice' AND result = 'replayed' AND source_address = '127.0.0.4'")
            #expect(replays.count == 3, "\(replays)")
        }

        @Test func aGrantWithRequireMFAAsksAndOneWithoutAsksNothing() async throws {
            let gateway = try SharedSecondFactorGateway.current()
            // bob has no mfa of his own: web-01's grant asks nothing.
            let silent = try await gateway.answering("bob", code: "000000")
            let plain = try await gateway.ssh("bob", as: "\(gateway.login)@web-01", "echo plain", answering: silent,
                                              source: "127.0.0.6")
            #expect(plain.succeeded && plain.stdout == "plain\n", "\(plain)\n\(gateway.logTail)")
            #expect(silent.prompts.isEmpty, "asked: \(silent.prompts)")
            let notRequired = try await gateway.audit.waitForRows(
                "SELECT second_factor FROM connections WHERE user = 'bob' AND source_address = '127.0.0.6' AND target = 'web-01' AND second_factor = 'not_required'")
            #expect(!notRequired.isEmpty)
            // web-02's grant says require_mfa: true.
            let asked = try await gateway.answering("bob")
            let guarded = try await gateway.ssh("bob", as: "\(gateway.login)@web-02", "echo guarded", answering: asked,
                                                source: "127.0.0.6")
            #expect(guarded.succeeded && guarded.stdout == "guarded\n", "\(guarded)\n\(gateway.logTail)")
            #expect(asked.prompts.count == 1, "\(asked.prompts)")
        }

        @Test func theReuseWindowSparesTheSameAddressOnlyAndOnlyWithinTheWindow() async throws {
            let gateway = try SharedSecondFactorGateway.current()
            let target = "\(gateway.login)@web-01"
            // p1 is required through its organisation (partner: mfa: required).
            let first = try await gateway.answering("p1")
            let opened = try await gateway.ssh("p1", as: target, "echo one", answering: first, source: "127.0.0.1")
            #expect(opened.succeeded && first.prompts.count == 1, "\(opened)\n\(first.prompts)")
            let firstRow = try #require(try await gateway.audit.waitForRows(
                "SELECT id FROM connections WHERE user = 'p1' AND second_factor = 'code' ORDER BY opened_at").first)
            let firstID = try #require(firstRow["id"])

            let second = try await gateway.answering("p1", code: "000000")
            let reused = try await gateway.ssh("p1", as: target, "echo two", answering: second, source: "127.0.0.1")
            #expect(reused.succeeded && reused.stdout == "two\n", "\(reused)\n\(gateway.logTail)")
            #expect(second.prompts.isEmpty, "asked again within the window: \(second.prompts)")
            let reusedRows = try await gateway.audit.waitForRows(
                "SELECT second_factor FROM connections WHERE user = 'p1' AND second_factor LIKE 'reused (since %'")
            let text = reusedRows.first?["second_factor"] ?? ""
            #expect(text.hasSuffix("from connection \(firstID))"), "\(reusedRows)")
            // The gateway's own shell honours the window too, and says how this connection met the factor.
            let statusAnswering = try await gateway.answering("p1", code: "000000")
            let status = try await gateway.ssh("p1", as: "p1", "mfa status", answering: statusAnswering, source: "127.0.0.1")
            #expect(status.succeeded && statusAnswering.prompts.isEmpty, "\(status)")
            #expect(status.stdout.contains("p1 is enrolled since") && status.stdout.contains("This connection: mfa=reused (since "),
                    "\(status.stdout)")

            // Another address is asked again.
            let other = try await gateway.answering("p1")
            let fromOther = try await gateway.ssh("p1", as: target, "echo three", answering: other, source: "127.0.0.2")
            #expect(fromOther.succeeded && other.prompts.count == 1, "\(fromOther)\n\(other.prompts)")

            // After the window, the first address is asked again.
            let windowEnds = Date().addingTimeInterval(Double(SecondFactorGateway.reuseSeconds) + 1)
            while Date() < windowEnds { try await Task.sleep(for: .milliseconds(500)) }
            let later = try await gateway.answering("p1")
            let afterWindow = try await gateway.ssh("p1", as: target, "echo four", answering: later, source: "127.0.0.1")
            #expect(afterWindow.succeeded && later.prompts.count == 1, "\(afterWindow)\n\(later.prompts)\n\(gateway.logTail)")
        }
    }
}
