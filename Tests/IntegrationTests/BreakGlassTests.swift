import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Break-glass: bob's grant on db-09 needs a ticket, an approval and its hours (which are not
    /// now); with a reason he enters under `break_glass:` at once, flagged, and the retailer
    /// (db-09's owner) reviews the item from the gateway shell.
    @Suite(
        .policyGateway(
            targets: [.init(name: "db-09", owner: "retailer")],
            grants: { facts in
                [
                    "{to: {user: bob}, targets: {names: [db-09]}, logins: [\"\(facts.login)\"], require_ticket: \"^INC-[0-9]+$\", "
                        + "hours: \"\(PolicyHours.window(startingIn: 120, lasting: 10))\", approval: {by: {org: retailer}}}",
                ]
            },
            extraUsers: [.init(name: "carol", org: "retailer"), .init(name: "dave", org: "provider")],
            extraSettings: [
                "notify: {command: [\(ConsentNotify.scriptPath)], timeout: 2s}",
                "break_glass:",
                "  - {to: {org: provider}, targets: {names: [db-09]}, logins: [\"\(TestLogin.name)\"], max_session: 1h}",
            ]
        ),
        .timeLimit(.minutes(3))
    )
    struct BreakGlassTests {
        @Test func configCheckExplainsBreakGlass() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.gateway.run(["config", "check", "--explain", "bob", "db-09", gateway.login])
            #expect(result.stdout.contains("denied: outside hours"), "\(result)")
            #expect(result.stdout.contains("break-glass: with a reason (TRACEGATE_BREAK_GLASS) bob may enter by break-glass #1"),
                    "\(result)")
            #expect(result.stdout.contains("reviewed by retailer; max_session 1h"), "\(result)")
        }

        @Test func onATerminalTheGatewayAsksForAReason() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "db-09").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("Reason (empty to leave): ", timeout: 15),
                    .send("db-09 on fire, INC-7\r"),
                    .expect("BREAK-GLASS session", timeout: 15),
                    .pause(1.0),
                    .send("echo BG$((40+2))\r"),
                    .expect("BG42", timeout: 15),
                    .send("exit 0\r"),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
            let rows = try await gateway.audit.waitForRows("SELECT result, id FROM reviews WHERE reason = 'db-09 on fire, INC-7'")
            #expect(rows.first?.first == "open", "\(rows)")
            // The recording names the item too.
            let session = try #require(try await gateway.audit.waitForRows(
                "SELECT session_id FROM session_summary WHERE break_glass_review = '\(rows.first?.last ?? "")' AND closed_at IS NOT NULL").first?.first)
            let replay = try await gateway.gateway.run(["replay", session, "--cat"])
            #expect(replay.succeeded && replay.stdout.contains("BG42"), "\(replay)")
            #expect(replay.stderr.contains("tracegate: BREAK-GLASS session of bob on db-09, reason \"db-09 on fire, INC-7\"; review \(rows.first?.last ?? "?") (open"),
                    "\(replay)")

            let declined = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "db-09").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("Reason (empty to leave): ", timeout: 15),
                    .send("\r"),
                    .expect("tracegate: outside hours", timeout: 10),
                ]
            )
            #expect(declined.failure == nil, "\(declined)")
            #expect(declined.termination == .exited(255), "\(declined)")
        }

        @Test func withoutAReasonTheUsualRulesRefuse() async throws {
            let gateway = try SharedPolicyGateway.current()
            let plain = try await gateway.bob(on: "db-09").ssh("echo should-not-run")
            #expect(plain.termination == .exited(255) && plain.stderr.contains("tracegate: outside hours"), "\(plain)")
            let empty = try await gateway.bob(on: "db-09").ssh(
                "echo should-not-run", options: ["-o", "SetEnv=TRACEGATE_BREAK_GLASS=\"  \""])
            #expect(empty.termination == .exited(255) && empty.stderr.contains("tracegate: break-glass needs a reason"), "\(empty)")
            let alice = try await gateway.alice(on: "db-09").ssh(
                "echo should-not-run", options: ["-o", "SetEnv=TRACEGATE_BREAK_GLASS=\"just because\""])
            #expect(alice.termination == .exited(255)
                        && alice.stderr.contains("tracegate: no break-glass entry lets alice in as \(gateway.login) on db-09"), "\(alice)")
        }

        @Test func withAReasonTheSessionRunsFlaggedAndTheOtherOrganisationReviewsIt() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "db-09").ssh(
                "echo glass-$((1+1))", options: ["-o", "SetEnv=TRACEGATE_BREAK_GLASS=\"db-09 down, INC-99\""])
            #expect(result.succeeded && result.stdout == "glass-2\n", "\(result)\n\(gateway.logTail)")
            #expect(result.stderr.contains("tracegate: BREAK-GLASS session on \(gateway.login)@db-09"), "\(result)")
            guard let range = result.stderr.range(of: #"review (b-[0-9a-f]+) is open"#, options: .regularExpression) else {
                Issue.record("no review id in \(result.stderr)")
                return
            }
            let id = String(result.stderr[range].dropFirst("review ".count).prefix { $0 != " " })

            let sessions = try await gateway.audit.waitForRows(
                "SELECT break_glass_review, command FROM session_summary WHERE break_glass_review = '\(id)'")
            #expect(sessions == [[id, "echo glass-$((1+1))"]], "\(sessions)")
            let item = try await gateway.audit.waitForRows("SELECT user, target, reason, result FROM reviews WHERE id = '\(id)'")
            #expect(item == [["bob", "db-09", "db-09 down, INC-99", "open"]], "\(item)")

            // The provider (bob's own organisation) cannot close it; the retailer can.
            for user in ["dave", "bob"] {
                let refused = try await ConsentSupport.shell(gateway, user, "review \(id) --accept fine")
                #expect(refused.termination == .exited(1) && refused.stdout.contains("you may not review \(id)"), "\(refused)")
            }
            let daveList = try await ConsentSupport.shell(gateway, "dave", "reviews")
            #expect(!daveList.stdout.contains(id), "\(daveList)")
            let listed = try await ConsentSupport.shell(gateway, "carol", "reviews")
            #expect(listed.succeeded && listed.stdout.contains(id) && listed.stdout.contains("db-09 down, INC-99"), "\(listed)")
            let open = try await gateway.gateway.run(["audit", "reviews", "--open", "--format", "csv"])
            #expect(open.succeeded && open.stdout.contains(id), "\(open)")

            let reviewed = try await ConsentSupport.shell(gateway, "carol", "review \(id) --accept \"looked at the recording\"")
            #expect(reviewed.succeeded && reviewed.stdout.contains("accepted \(id)"), "\(reviewed)")
            let again = try await ConsentSupport.shell(gateway, "carol", "review \(id) --reject late")
            #expect(again.termination == .exited(1) && again.stdout.contains("already closed (accepted by carol)"), "\(again)")

            let closed = try await gateway.audit.waitForRows(
                "SELECT result, reviewed_by, review_note FROM reviews WHERE id = '\(id)'", until: { $0.first?.first == "accepted" })
            #expect(closed == [["accepted", "carol", "looked at the recording"]], "\(closed)")
            let stillOpen = try await gateway.gateway.run(["audit", "reviews", "--open", "--format", "csv"])
            #expect(stillOpen.succeeded && !stillOpen.stdout.contains(id), "\(stillOpen)")
            let connection = try #require(try await gateway.audit.rows(
                "SELECT connection_id FROM reviews WHERE id = '\(id)'").first?.first)
            let shown = try await gateway.gateway.run(["audit", "show", connection])
            #expect(shown.stdout.contains("BREAK-GLASS session, review item \(id)"), "\(shown)")

            let notified = await waitFor(timeout: .seconds(20)) {
                ConsentNotify.received.contains { $0.contains(id) && $0.contains("breakglass.opened") }
                    && ConsentNotify.received.contains { $0.contains(id) && $0.contains("breakglass.reviewed") }
            }
            #expect(notified, "notify lines: \(ConsentNotify.received)")
            let verify = try await gateway.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)")
        }
    }
}
