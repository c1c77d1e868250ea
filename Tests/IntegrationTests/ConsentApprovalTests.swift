import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// Four eyes across organisations: bob (provider) reaches the retailer's hosts only once a
    /// retailer member approved, from the gateway shell of another real OpenSSH client.
    /// Each test uses its own target, so that one test's approval never covers another's session.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "db-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "short-01", owner: "retailer"),
                .init(name: "quick-01", owner: "retailer"),
                .init(name: "mixed-01", owner: "retailer"),
                .init(name: "ctrlc-01", owner: "retailer"),
                .init(name: "nobody-01", owner: "retailer"),
                .init(name: "hang-01", owner: "retailer"),
                .init(name: "fail-01", owner: "retailer"),
                .init(name: "sftp-01", owner: "retailer"),
            ],
            grants: { facts in
                let login = "[\"\(facts.login)\"]"
                return [
                    "{to: {user: bob}, targets: {names: [db-01]}, logins: \(login), approval: {by: {org: retailer}, valid: 1h, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [short-01]}, logins: \(login), approval: {by: {org: retailer}, valid: 8s, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [quick-01]}, logins: \(login), approval: {by: {org: retailer}, wait: 3s}}",
                    "{to: {user: bob}, targets: {names: [mixed-01]}, logins: \(login), approval: {by: {orgs: [retailer, provider]}, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [ctrlc-01]}, logins: \(login), approval: {by: {org: retailer}, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [nobody-01]}, logins: \(login), approval: {by: {user: carol}, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [sftp-01]}, logins: \(login), approval: {by: {org: retailer}, wait: 2m}}",
                    "{to: {user: bob}, targets: {names: [hang-01, fail-01]}, logins: \(login), approval: {by: {org: retailer}, wait: 2m}}",
                ]
            },
            extraUsers: [.init(name: "carol", org: "retailer"), .init(name: "dave", org: "provider")],
            extraSettings: ["notify: {command: [\(ConsentNotify.scriptPath)], timeout: 2s}"]
        ),
        .timeLimit(.minutes(4))
    )
    struct ConsentApprovalTests {
        @Test func bobsExecWaitsUntilCarolApprovesAndTheSessionNamesHer() async throws {
            let gateway = try SharedPolicyGateway.current()
            let bob = try gateway.bob(on: "db-01").spawnSSH("echo approved-$((6*7))")
            let id = try await ConsentSupport.requestID(of: bob, gateway)
            let line = bob.standardErrorText
            #expect(line.contains("tracegate: \(gateway.login)@db-01 needs approval by retailer; request \(id) waits 2m."),
                    "\(line)")
            #expect(line.contains("An approver runs: ssh -p \(gateway.gateway.port) 127.0.0.1 approve \(id)"), "\(line)")

            // Waiting: still running, and the gateway has not even connected to the target.
            try await Task.sleep(for: .seconds(1))
            #expect(bob.isRunning, "bob's ssh ended before any decision: \(bob.standardErrorText)")
            let connection = try await ConsentSupport.connection(of: id, gateway)
            let upstream = try await gateway.audit.rows(
                "SELECT COUNT(*) FROM events WHERE kind = 'upstream.connect' AND connection_id = '\(connection)'")
            #expect(upstream == [["0"]], "the target was contacted before the approval: \(upstream)")

            // carol lists it, then approves it from the gateway shell.
            let listed = try await ConsentSupport.shell(gateway, "carol", "approvals")
            #expect(listed.succeeded && listed.stdout.contains(id) && listed.stdout.contains("echo approved-$((6*7))"),
                    "\(listed)")
            let approved = try await ConsentSupport.shell(gateway, "carol", "approve \(id) --note \"looks fine\"")
            #expect(approved.succeeded, "\(approved)\n\(gateway.logTail)")
            #expect(approved.stdout.contains("approved \(id): bob as \(gateway.login) on db-01 for 1h"), "\(approved)")

            let result = await bob.result()
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(result.stdout == "approved-42\n", "\(result)")
            #expect(result.stderr.contains("tracegate: request \(id) approved by carol"), "\(result)")

            let sessions = try await gateway.audit.waitForRows(
                "SELECT approved_by, approval_id, command FROM session_summary WHERE connection_id = '\(connection)'")
            #expect(sessions == [["carol", id, "echo approved-$((6*7))"]], "\(sessions)")
            let row = try await gateway.audit.waitForRows(
                "SELECT status, decided_by, decided_by_org, decision_note FROM approvals WHERE id = '\(id)'")
            #expect(row == [["approved", "carol", "retailer", "looks fine"]], "\(row)")

            // Within `valid`, the next session of bob as the same login on db-01 does not wait.
            let again = try await gateway.bob(on: "db-01").ssh("echo again", timeout: .seconds(30))
            #expect(again.succeeded && again.stdout == "again\n", "\(again)")
            #expect(!again.stderr.contains("needs approval"), "\(again)")

            // The auditor's side: sessions by approver, and audit show names the approval.
            let listing = try await gateway.gateway.run(["audit", "sessions", "--approved-by", "carol", "--format", "csv"])
            #expect(listing.succeeded && listing.stdout.contains(id), "\(listing)")
            let shown = try await gateway.gateway.run(["audit", "show", connection])
            #expect(shown.stdout.contains("approved by carol (request \(id))"), "\(shown)")
            let kinds = try await gateway.audit.rows(
                "SELECT kind FROM events WHERE json_extract(details, '$.approval_id') = '\(id)' ORDER BY id")
            #expect(kinds.map { $0.first ?? "" } == ["approval.request", "approval.decision", "channel.open", "channel.open"], "\(kinds)")
            let verify = try await gateway.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)")

            // The operator's notify command got both, as JSON objects on stdin.
            let notified = await waitFor(timeout: .seconds(20)) {
                let lines = ConsentNotify.received.filter { $0.contains(id) }
                return lines.contains { $0.contains("\"approval.requested\"") } && lines.contains { $0.contains("\"approval.decided\"") }
            }
            #expect(notified, "notify lines: \(ConsentNotify.received)")
            let requested = ConsentNotify.received.first { $0.contains(id) && $0.contains("approval.requested") }
            let object = try requested.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            #expect(object?["user"] == "bob" && object?["target"] == "db-01" && object?["approvers"] == "retailer", "\(String(describing: object))")
        }

        @Test(arguments: ["hang-01", "fail-01"])
        func aHangingOrFailingNotifyCommandChangesNothingForTheSession(target: String) async throws {
            let gateway = try SharedPolicyGateway.current()
            let bob = try gateway.bob(on: target).spawnSSH("echo still-fine")
            let id = try await ConsentSupport.requestID(of: bob, gateway)
            let approved = try await ConsentSupport.shell(gateway, "carol", "approve \(id)")
            #expect(approved.succeeded, "\(approved)")
            let result = await bob.result()
            #expect(result.succeeded && result.stdout == "still-fine\n", "\(result)")
            let reason = target == "hang-01" ? "tg.reason=timeout" : "tg.reason=failed"
            let logged = await waitFor(timeout: .seconds(20)) {
                gateway.gateway.log.split(separator: "\n").contains { $0.contains("notify command failed") && $0.contains(id) && $0.contains(reason) }
            }
            #expect(logged, "no notify failure logged for \(id)\n\(gateway.logTail)")
        }

        @Test func afterValidItWaitsAgainAndADenialShowsTheReasonAndExits255() async throws {
            let gateway = try SharedPolicyGateway.current()
            let first = try gateway.bob(on: "short-01").spawnSSH("echo first")
            let firstID = try await ConsentSupport.requestID(of: first, gateway)
            let approved = try await ConsentSupport.shell(gateway, "carol", "approve \(firstID)")
            #expect(approved.succeeded, "\(approved)")
            let firstResult = await first.result()
            #expect(firstResult.succeeded && firstResult.stdout == "first\n", "\(firstResult)")

            try await Task.sleep(for: .seconds(9))
            let second = try gateway.bob(on: "short-01").spawnSSH("echo should-not-run")
            let secondID = try await ConsentSupport.requestID(of: second, gateway)
            #expect(secondID != firstID)
            let denied = try await ConsentSupport.shell(gateway, "carol", "deny \(secondID) --reason not during the sale")
            #expect(denied.succeeded && denied.stdout.contains("denied \(secondID)"), "\(denied)")
            let result = await second.result()
            #expect(result.termination == .exited(255), "\(result)")
            #expect(result.stderr.contains("tracegate: request \(secondID) denied by carol: not during the sale"), "\(result)")
            #expect(!result.stdout.contains("should-not-run"), "\(result)")

            // Deciding it again: one clear line.
            let late = try await ConsentSupport.shell(gateway, "carol", "approve \(secondID)")
            #expect(late.termination == .exited(1) && late.stdout.contains("is no longer waiting"), "\(late)")
            let unknown = try await ConsentSupport.shell(gateway, "carol", "approve r-0badc0de")
            #expect(unknown.termination == .exited(1) && unknown.stdout.contains("no request r-0badc0de waits"), "\(unknown)")
        }

        @Test func selfApprovalAndSameOrganisationApprovalAreRefused() async throws {
            let gateway = try SharedPolicyGateway.current()
            let bob = try gateway.bob(on: "mixed-01").spawnSSH("echo mixed")
            let id = try await ConsentSupport.requestID(of: bob, gateway)

            let own = try await ConsentSupport.shell(gateway, "bob", "approve \(id)")
            #expect(own.termination == .exited(1) && own.stdout.contains("you cannot decide your own request"), "\(own)")
            let colleague = try await ConsentSupport.shell(gateway, "dave", "approve \(id)")
            #expect(colleague.termination == .exited(1)
                        && colleague.stdout.contains("the requester's own organisation (provider) does not count"), "\(colleague)")
            let daveList = try await ConsentSupport.shell(gateway, "dave", "approvals")
            #expect(!daveList.stdout.contains(id), "\(daveList)")
            #expect(bob.isRunning, "the refused approvals ended bob's wait: \(bob.standardErrorText)")

            // Someone carol's request is not for: nobody-01 names only carol.
            let other = try gateway.bob(on: "nobody-01").spawnSSH("echo nobody")
            let otherID = try await ConsentSupport.requestID(of: other, gateway)
            let alice = try await ConsentSupport.shell(gateway, "alice", "approve \(otherID)")
            #expect(alice.termination == .exited(1) && alice.stdout.contains("not among the approvers"), "\(alice)")
            other.terminate()
            _ = await other.result()

            let approved = try await ConsentSupport.shell(gateway, "alice", "approve \(id)")
            #expect(approved.succeeded, "\(approved)")
            let result = await bob.result()
            #expect(result.succeeded && result.stdout == "mixed\n", "\(result)")
            // bob's ssh ended by a signal: his request is withdrawn in the trail.
            let withdrawn = try await gateway.audit.waitForRows(
                "SELECT status FROM approvals WHERE id = '\(otherID)'", until: { $0 == [["withdrawn"]] })
            #expect(withdrawn == [["withdrawn"]], "\(withdrawn)")
        }

        @Test func aRequestThatWaitsPastWaitEndsWithItsLine() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "quick-01").ssh("echo should-not-run", timeout: .seconds(30))
            #expect(result.termination == .exited(255), "\(result)")
            #expect(result.stderr.contains("was not decided within 3s; it has expired"), "\(result)")
            let id = try #require(ConsentSupport.parseID(result.stderr), "\(result)")
            let row = try await gateway.audit.waitForRows("SELECT status FROM approvals WHERE id = '\(id)'",
                                                          until: { $0 == [["expired"]] })
            #expect(row == [["expired"]], "\(row)")
        }

        @Test func ctrlCOnTheTerminalWithdrawsTheRequest() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "ctrlc-01").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("needs approval by retailer", timeout: 15),
                    .send("\u{03}"),
                    .expect("withdrawn", timeout: 10),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(255), "\(transcript)")
            let rows = try await gateway.audit.waitForRows(
                "SELECT status FROM approvals WHERE target = 'ctrlc-01'", until: { $0.contains(["withdrawn"]) })
            #expect(rows.contains(["withdrawn"]), "\(rows)")
        }

        @Test func sftpWaitsTheSameWayWithoutATerminal() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transfer = Task { try await gateway.bob(on: "sftp-01").sftp(batch: "pwd\n") }
            let rows = try await gateway.audit.waitForRows(
                "SELECT id, command FROM approvals WHERE target = 'sftp-01' AND status = 'pending'", timeout: .seconds(20))
            let id = try #require(rows.first?.first)
            #expect(rows.first?.last == "subsystem sftp", "\(rows)")
            let approved = try await ConsentSupport.shell(gateway, "carol", "approve \(id)")
            #expect(approved.succeeded, "\(approved)")
            let result = try await transfer.value
            #expect(result.succeeded && result.stdout.contains("Remote working directory"), "\(result)\n\(gateway.logTail)")
        }

        @Test func configCheckExplainsTheApproval() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.gateway.run(["config", "check", "--explain", "bob", "db-01", gateway.login])
            #expect(result.stdout.contains("allowed: bob (provider) as \(gateway.login) on db-01 by grant #1"), "\(result)")
            #expect(result.stdout.contains("approval: needed by retailer before each session (never bob, nor anyone of provider"),
                    "\(result)")
        }
    }
}

/// The suite's notify command: appends what it reads to received.jsonl beside it; for hang-01
/// it hangs past its timeout, for fail-01 it fails.
enum ConsentNotify {
    static let directory: String = {
        let path = NSTemporaryDirectory() + "tracegate-notify-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static let scriptPath: String = {
        let path = directory + "/notify.sh"
        let script = """
            #!/bin/sh
            input=$(cat)
            case "$input" in
                *hang-01*) sleep 30 ;;
                *fail-01*) exit 3 ;;
            esac
            printf '%s\\n' "$input" >> "\(directory)/received.jsonl"

            """
        _ = FileManager.default.createFile(atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        return path
    }()

    static var received: [String] {
        let text = (try? String(contentsOfFile: directory + "/received.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }
}

enum ConsentSupport {
    /// `request r-… waits` in what the engineer was told.
    static func parseID(_ text: String) -> String? {
        guard let range = text.range(of: #"request (r-[0-9a-f]+) waits"#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst("request ".count).prefix { $0 != " " })
    }

    /// Waits for the waiting line on a spawned ssh's stderr and returns its request id.
    static func requestID(of process: SpawnedProcess, _ gateway: PolicyGateway) async throws -> String {
        var id: String?
        _ = await waitFor(timeout: .seconds(20)) {
            id = parseID(process.standardErrorText)
            return id != nil || !process.isRunning
        }
        return try #require(id, "no request line on stderr: \(process.standardErrorText)\n\(gateway.logTail)")
    }

    /// The requester's connection of a request.
    static func connection(of id: String, _ gateway: PolicyGateway) async throws -> String {
        let rows = try await gateway.audit.waitForRows("SELECT connection_id FROM approvals WHERE id = '\(id)'")
        return try #require(rows.first?.first)
    }

    /// `ssh USER@gateway COMMAND`: the gateway shell of alice, bob or an extra user.
    static func shell(_ gateway: PolicyGateway, _ user: String, _ command: String) async throws -> ProcessResult {
        let client: OpenSSHClient = switch user {
        case "alice": gateway.alice
        case "bob": gateway.bob
        default: gateway.client(user)
        }
        return try await client.withUser(user).ssh(command, timeout: .seconds(30))
    }
}
