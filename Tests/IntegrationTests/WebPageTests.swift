import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The auditors' web page in a real browser: Debian's headless Chromium driven by
    /// Selenium (`Tests/WebBrowser/web_page_check.py`) against this gateway, signed in with
    /// links printed by a real `ssh … web`, over sessions made by real clients.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "web-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "db-01", owner: "provider", labels: ["env": "prod"]),
            ],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#,
                    #"{to: {user: bob}, targets: {names: [db-01]}, logins: ["\#(facts.login)"]}"#,
                ]
            },
            extraLines: {
                let port = (try? LoopbackPort.free()) ?? 9223
                return [
                    "web: {listen: 127.0.0.1:\(port), link: 3s}",
                    "auditors:",
                    "  - {to: {user: alice}, sees: {org: retailer}}",
                    "  - {to: {user: bob}, sees: {org: provider}}",
                ]
            }
        ),
        .serialized, .timeLimit(.minutes(6))
    )
    struct WebPageTests {
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("WebBrowser/web_page_check.py").path

        @Test func browserSignsInListsFiltersReplaysAndSeesOnlyItsOrganisation() async throws {
            let gateway = try SharedPolicyGateway.current()
            let tag = UInt32.random(in: 10_000...99_999)
            let aliceMarker = "echo web-alice-\(tag)"
            let bobMarker = "echo web-bob-\(tag)"
            let ticket = "CHG-\(tag)"

            let aliceExec = try await gateway.alice(on: "web-01").ssh(aliceMarker, options: ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"])
            #expect(aliceExec.succeeded, "\(aliceExec)\n\(gateway.logTail)")
            let bobExec = try await gateway.bob(on: "db-01").ssh(bobMarker)
            #expect(bobExec.succeeded, "\(bobExec)\n\(gateway.logTail)")
            // A file into the ledger: alice copies one to web-01 (scp, SFTP underneath).
            let fileName = "web-file-\(tag).txt"
            let local = gateway.directory.file(fileName)
            try Data("ledger \(tag)\n".utf8).write(to: URL(fileURLWithPath: local))
            let copied = try await gateway.alice(on: "web-01").scp([local], gateway.alice(on: "web-01").remote(gateway.directory.file("copied-\(fileName)")))
            #expect(copied.succeeded, "\(copied)\n\(gateway.logTail)")
            let transcript = try await InteractiveScenarios.shell(gateway.alice(on: "web-01"), InteractiveScenarios.ready + [
                .send("echo replay-\(tag)-$((40+2))\r"),
                .expect("replay-\(tag)-42"),
                .send("exit\r"),
            ])
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")

            // The trail is written in batches: wait until alice's shell session is listed.
            let deadline = ContinuousClock.now + .seconds(15)
            var listing = try await gateway.alice.withUser("alice").ssh("sessions")
            while listing.stdout.components(separatedBy: "\n").filter({ $0.contains("web-01") }).count < 2
                && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(300))
                listing = try await gateway.alice.withUser("alice").ssh("sessions")
            }

            // A session still running while the browser looks at /live; ended after the checks.
            let liveMarker = "live-\(tag)"
            let running = try gateway.alice(on: "web-01").spawnSSH("sleep 600; echo \(liveMarker)")
            defer { running.terminate() }

            // Kept after the run (the gateway's directory is not): the screenshots are the artefacts.
            let artefacts = NSTemporaryDirectory() + "tracegate-web-artefacts-\(tag)"
            let facts: [String: Any] = [
                "artefacts": artefacts,
                "alice_ssh": ["ssh"] + gateway.alice.withUser("alice").sshArguments(),
                "bob_ssh": ["ssh"] + gateway.bob.withUser("bob").sshArguments(),
                "alice_exec_marker": aliceMarker,
                "bob_exec_marker": bobMarker,
                "alice_ticket": ticket,
                "alice_file": "copied-" + fileName,
                "live_marker": liveMarker,
                "replay_marker": "replay-\(tag)-42",
                "search_text": "replay-\(tag)",
                "link_seconds": 3,
                "recordings": gateway.directory.file("state") + "/recordings",
            ]
            let factsPath = gateway.directory.file("web-facts.json")
            try JSONSerialization.data(withJSONObject: facts).write(to: URL(fileURLWithPath: factsPath))
            let result = try await ProcessRunner(workingDirectory: gateway.directory.path)
                .run("/usr/bin/python3", [Self.script, factsPath], timeout: .seconds(240))
            print(result.stdout)
            print("web page artefacts (screenshots): \(artefacts)")
            #expect(result.succeeded, "\(result.stdout)\n\(result.stderr)\n\(gateway.logTail)")
            #expect(result.stdout.contains("ALL CHECKS PASSED"), "\(result.stdout)")

            // Sign-ins, refusals and page reads are audit.query events, with no secret in them.
            let events = try await gateway.gateway.run(["audit", "events", "--kind", "audit.query", "--format", "json"])
            #expect(events.stdout.contains("web sign-in") && events.stdout.contains("web /sessions")
                    && events.stdout.contains("\"refused\""), "\(events)")
            #expect(!events.stdout.contains("/signin/"), "a link token reached the trail:\n\(events.stdout)")
            let pageReads = events.stdout.split(separator: "\n").filter { $0.contains("\"command\":\"web /sessions\"") }
            #expect(!pageReads.isEmpty && pageReads.allSatisfy {
                $0.contains("\"source_address\":\"127.0.0.1\"") && $0.contains("\"user\":\"") && $0.contains("\"via\":\"web\"")
            }, "\(pageReads)")
            let verify = try await gateway.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)")
            // The gateway still serves SSH after the scan.
            let whoami = try await gateway.alice.withUser("alice").ssh("whoami")
            #expect(whoami.succeeded && whoami.stdout.hasPrefix("alice (retailer)"), "\(whoami)")
        }

        @Test func webCommandAnswersUsageAndLogsOutEverywhere() async throws {
            let gateway = try SharedPolicyGateway.current()
            // Runs after the browser test (serialized suite): logging out must not cut it short.
            let usage = try await gateway.bob.withUser("bob").ssh("web --bogus")
            #expect(usage.termination == .exited(2), "\(usage)")
            let logout = try await gateway.bob.withUser("bob").ssh("web --logout-all")
            #expect(logout.succeeded && logout.stdout.contains("web session"), "\(logout)")
        }
    }
}
