import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Live oversight (issue 15) with real OpenSSH clients on real pseudo-terminals: the
    /// retailer's alice may list, watch and end sessions on the retailer's targets and lock
    /// the provider's people; bob (provider) has no oversight right at all.
    @Suite(
        .policyGateway(
            servers: 2,
            targets: [
                .init(name: "db-01", owner: "retailer", labels: ["env": "prod", "app": "db"]),
                .init(name: "web-01", server: 1, owner: "retailer", labels: ["env": "prod", "app": "shop"]),
                .init(name: "pay-01", owner: "retailer", labels: ["env": "prod", "app": "payments"]),
            ],
            grants: { facts in
                [
                    #"{to: {org: provider}, targets: {names: [db-01, web-01]}, logins: ["\#(facts.login)"]}"#,
                    "{to: {user: bob}, targets: {names: [web-01]}, mode: tunnel}",
                    #"{to: {user: bob}, targets: {names: [pay-01]}, logins: ["\#(facts.login)"], require_watcher: {org: retailer}, max_wait: 2m}"#,
                ]
            },
            extraSettings: ["notify: {command: [\(ConsentNotify.scriptPath)], timeout: 2s}"],
            extraLines: {
                [
                    "oversight:",
                    "  - {to: {user: alice}, sessions: {targets: {owner: retailer}}, may: [list, watch, terminate]}",
                    "  - {to: {user: alice}, sessions: {of: {org: provider}}, may: [lock]}",
                ]
            }
        ),
        .serialized,
        .timeLimit(.minutes(4))
    )
    struct OversightTests {
        func shell(_ gateway: PolicyGateway, _ who: String) -> OpenSSHClient {
            (who == "alice" ? gateway.alice : gateway.bob).withUser(who)
        }

        /// The id of bob's running session on `target` as alice's `live` lists it, once it does.
        func bobsSession(on target: String, _ gateway: PolicyGateway, kind: String = "shell") async throws -> String? {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let live = try await shell(gateway, "alice").ssh("live")
                let row = live.stdout.split(separator: "\n").map(String.init).first { line in
                    let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                    return cells.count > 5 && cells[1] == "bob" && cells[3] == target && cells[5] == kind
                }
                if let row { return row.split(separator: " ").first.map(String.init) }
                try await Task.sleep(for: .milliseconds(200))
            }
            return nil
        }

        @Test func liveListsTheShellAndTerminateEndsItWithinASecondWithTheReason() async throws {
            let gateway = try SharedPolicyGateway.current()
            // The engineer's shell leaves a file on the (local) target once it runs: terminating
            // before then would race the shell's start.
            let ready = gateway.directory.file("bob-ready-\(UInt32.random(in: 1000...9999))")
            async let engineer = InteractiveScenarios.shell(gateway.bob(on: "db-01"), InteractiveScenarios.ready + [
                .send("touch \(ready)\r"),
                .expect("this session was ended by alice (retailer): payment freeze", timeout: 60),
            ])
            let id = try #require(try await bobsSession(on: "db-01", gateway), "alice's live never listed bob's shell\n\(gateway.logTail)")
            let started = await waitFor(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: ready) }
            #expect(started, "bob's shell never ran\n\(gateway.logTail)")
            let live = try await shell(gateway, "alice").ssh("live")
            #expect(live.stdout.contains("provider") && live.stdout.contains(gateway.login), "\(live)")

            // Without the right: one clear line, nothing happens.
            let refused = try await shell(gateway, "bob").ssh("terminate \(id) --reason because")
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stdout == "tracegate: no running session \"\(id)\" that you may oversee\n", "\(refused)")
            let bobsLive = try await shell(gateway, "bob").ssh("live")
            #expect(bobsLive.stdout == "No running session that you may oversee.\n", "\(bobsLive)")

            let ended = try await shell(gateway, "alice").ssh("terminate \(id) --reason \"payment freeze\"")
            #expect(ended.succeeded, "\(ended)\n\(gateway.logTail)")
            let transcript = try await engineer
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")

            let closes = try await gateway.audit.waitForRows("""
                SELECT result, json_extract(details, '$.terminated_by'), json_extract(details, '$.terminated_by_org'),
                       json_extract(details, '$.termination_reason') FROM events
                WHERE kind = 'session.close' AND session_id = \(PolicyAuditDatabase.literal(id))
                """)
            #expect(closes.first == ["terminated", "alice", "retailer", "payment freeze"], "\(closes)")
            // Within a second of the order, by the gateway's own clock.
            let gap = try await gateway.audit.rows("""
                SELECT (julianday(c.time) - julianday(t.time)) * 86400 FROM events t, events c
                WHERE t.kind = 'session.terminate' AND c.kind = 'session.close'
                  AND t.session_id = \(PolicyAuditDatabase.literal(id)) AND c.session_id = t.session_id
                """)
            let seconds = try #require(gap.first.flatMap { Double($0[0]) }, "\(gap)")
            #expect(seconds < 1.0, "terminate took \(seconds) s")
            let refusals = try await gateway.audit.rows(
                "SELECT user, reason FROM events WHERE kind = 'oversight.refused' AND session_id = \(PolicyAuditDatabase.literal(id))")
            #expect(refusals.first?.first == "bob", "\(refusals)")
        }

        @Test func aWatcherSeesTheScreenSoFarThenLiveOutputAndTheEngineerSeesTheNotices() async throws {
            let gateway = try SharedPolicyGateway.current()
            async let engineer = InteractiveScenarios.shell(gateway.bob(on: "web-01"), InteractiveScenarios.ready + [
                .send("echo before-$((6*7))-join\r"),
                .expect("before-42-join"),
                .expect("tracegate: alice (retailer) is watching this session", timeout: 60),
                .send("echo after-$((7*7))-join\r"),
                .expect("after-49-join"),
                .expect("tracegate: alice (retailer) stopped watching this session", timeout: 60),
                .send("exit 0\r"),
            ])
            let id = try #require(try await bobsSession(on: "web-01", gateway), "\(gateway.logTail)")
            // The recording's writer keeps the last moment in memory briefly; the typed line is older than that.
            try await Task.sleep(for: .seconds(2))
            let watcher = try await PseudoTerminal.run(
                "ssh", shell(gateway, "alice").sshArguments("watch \(id)", options: ["-tt"]),
                steps: [
                    .expect("tracegate: watching \(id)", timeout: 20),
                    .expect("before-42-join", timeout: 20),
                    .expect("after-49-join", timeout: 30),
                    .pause(0.5),
                    .send("q"),
                    .expect("you stopped watching"),
                ])
            #expect(watcher.failure == nil, "\(watcher)\n\(gateway.logTail)")
            let transcript = try await engineer
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
            let events = try await gateway.audit.waitForRows("""
                SELECT kind, user FROM events WHERE kind IN ('watch.start', 'watch.end')
                AND session_id = \(PolicyAuditDatabase.literal(id)) ORDER BY id
                """, until: { $0.count >= 2 })
            #expect(events == [["watch.start", "alice"], ["watch.end", "alice"]], "\(events)")
        }

        @Test func bobMayNotWatchAndAnExecCanBeWatched() async throws {
            let gateway = try SharedPolicyGateway.current()
            let running = try gateway.bob(on: "db-01").spawnSSH("for i in $(seq 1 60); do echo tick-$i; sleep 0.5; done")
            defer { running.terminate() }
            let id = try #require(try await bobsSession(on: "db-01", gateway, kind: "exec"), "\(gateway.logTail)")
            let refused = try await shell(gateway, "bob").ssh("watch \(id)", options: ["-tt"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stdout.contains("tracegate: no running session \"\(id)\" that you may oversee"), "\(refused)")
            let watcher = try await PseudoTerminal.run(
                "ssh", shell(gateway, "alice").sshArguments("watch \(id)", options: ["-tt"]),
                steps: [.expect("tick-1", timeout: 20), .expect("tick-8", timeout: 30), .send("q"), .expect("you stopped watching")])
            #expect(watcher.failure == nil, "\(watcher)\n\(gateway.logTail)")
        }

        @Test func lockingBobEndsHisSessionsAndTunnelRefusesHimUntilUnlockedAndSurvivesARestart() async throws {
            let gateway = try SharedPolicyGateway.current()
            let first = try gateway.bob(on: "db-01").spawnSSH("sleep 120")
            let second = try gateway.bob(on: "web-01").spawnSSH("sleep 120")
            let jump = try PolicyJumpClient(gateway, user: "bob", identity: gateway.bobKey, name: "bob-jump-lock")
            let tunnel = try ProcessRunner(environment: OpenSSHClient.environment())
                .spawn("ssh", jump.arguments(port: gateway.server(of: "web-01").port, login: gateway.login, command: "sleep 120"))
            defer {
                first.terminate()
                second.terminate()
                tunnel.terminate()
            }
            _ = try #require(try await bobsSession(on: "db-01", gateway, kind: "exec"), "\(gateway.logTail)")
            _ = try #require(try await bobsSession(on: "web-01", gateway, kind: "exec"), "\(gateway.logTail)")
            _ = try #require(try await bobsSession(on: "web-01", gateway, kind: "tunnel"), "\(gateway.logTail)")

            // Bob may not lock anyone; alice may lock bob but not a target (her lock right covers people).
            let bobLocks = try await shell(gateway, "bob").ssh("lock user alice --reason test")
            #expect(bobLocks.status == 1 && bobLocks.stdout.hasPrefix("tracegate: you may not lock user"), "\(bobLocks)")
            let targetLock = try await shell(gateway, "alice").ssh("lock target db-01 --reason test")
            #expect(targetLock.status == 1, "\(targetLock)")

            let locked = try await shell(gateway, "alice").ssh("lock user bob --for 2h --reason \"laptop stolen\"")
            #expect(locked.succeeded, "\(locked)\n\(gateway.logTail)")
            for process in [first, second, tunnel] {
                let ended = await process.waitForExit(timeout: .seconds(10))
                #expect(ended != nil, "a session of bob outlived the lock\n\(gateway.logTail)")
            }
            #expect(await first.standardErrorAfterExit().contains("user bob is locked by alice (retailer): laptop stolen"))

            let refused = try await gateway.bob(on: "db-01").ssh("echo should-not-run")
            #expect(!refused.succeeded && refused.stderr.contains("user bob is locked by alice (retailer): laptop stolen"), "\(refused)")
            let locks = try await shell(gateway, "alice").ssh("locks")
            #expect(locks.stdout.contains("bob") && locks.stdout.contains("laptop stolen"), "\(locks)")

            // Durable: a restarted gateway still refuses bob.
            _ = await gateway.gateway.stop()
            try await gateway.gateway.start()
            let afterRestart = try await gateway.bob(on: "db-01").ssh("echo should-not-run")
            #expect(!afterRestart.succeeded && afterRestart.stderr.contains("laptop stolen"), "\(afterRestart)\n\(gateway.logTail)")

            let unlocked = try await shell(gateway, "alice").ssh("unlock user bob")
            #expect(unlocked.succeeded, "\(unlocked)")
            let works = try await gateway.bob(on: "db-01").ssh("echo works-$((2+3))")
            #expect(works.succeeded && works.stdout == "works-5\n", "\(works)\n\(gateway.logTail)")

            // Expiry lifts a lock by itself.
            let brief = try await shell(gateway, "alice").ssh("lock user bob --for 2s --reason brief")
            #expect(brief.succeeded, "\(brief)")
            let during = try await gateway.bob(on: "db-01").ssh("echo during")
            #expect(!during.succeeded && during.stderr.contains("brief"), "\(during)")
            try await Task.sleep(for: .seconds(3))
            let after = try await gateway.bob(on: "db-01").ssh("echo after-$((1+1))")
            #expect(after.succeeded && after.stdout == "after-2\n", "\(after)")

            let trail = try await gateway.audit.waitForRows(
                "SELECT kind FROM events WHERE kind IN ('lock.create', 'lock.remove') ORDER BY id", until: { $0.count >= 3 })
            #expect(trail.map { $0[0] } == ["lock.create", "lock.remove", "lock.create"], "\(trail)")
            let verify = try await gateway.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)")
        }

        @Test func configCheckListsAndExplainsTheOversightEntries() async throws {
            let gateway = try SharedPolicyGateway.current()
            let summary = try await gateway.gateway.run(["config", "check"])
            #expect(summary.succeeded && summary.stdout.contains("oversight: 2"), "\(summary)")
            #expect(summary.stdout.contains("user alice may list,watch,terminate over on targets owned by retailer"), "\(summary)")
            let explained = try await gateway.gateway.run(["config", "check", "--explain-oversight", "alice", "bob", "db-01"])
            #expect(explained.succeeded, "\(explained)")
            #expect(explained.stdout.contains("watch: allowed by oversight #1"), "\(explained)")
            #expect(explained.stdout.contains("lock user bob: allowed by oversight #2"), "\(explained)")
            #expect(explained.stdout.contains("lock target db-01: denied"), "\(explained)")
            let bobs = try await gateway.gateway.run(["config", "check", "--explain-oversight", "bob"])
            #expect(bobs.stdout.contains("bob (provider) has no oversight right"), "\(bobs)")
        }

        @Test func theOperatorOnTheHostListsWatchesAndLocksThroughTheControlSocket() async throws {
            let gateway = try SharedPolicyGateway.current()
            let socket = gateway.gateway.stateDirectory + "/control.sock"
            let attributes = try FileManager.default.attributesOfItem(atPath: socket)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(attributes)")

            let ticking = try gateway.bob(on: "db-01").spawnSSH("for i in $(seq 1 8); do echo op-tick-$i; sleep 0.5; done")
            defer { ticking.terminate() }
            let id = try #require(try await bobsSession(on: "db-01", gateway, kind: "exec"), "\(gateway.logTail)")
            let live = try await gateway.gateway.run(["live"])
            #expect(live.succeeded && live.stdout.contains(id), "\(live)")
            let watched = try await gateway.gateway.run(["watch", id], timeout: .seconds(30))
            #expect(watched.succeeded, "\(watched)")
            #expect(watched.stdout.contains("op-tick-1") && watched.stdout.contains("op-tick-8"), "\(watched)")
            #expect(watched.stdout.contains("tracegate: the session ended"), "\(watched)")

            let sleeper = try gateway.bob(on: "db-01").spawnSSH("sleep 120")
            defer { sleeper.terminate() }
            _ = try #require(try await bobsSession(on: "db-01", gateway, kind: "exec"), "\(gateway.logTail)")
            let locked = try await gateway.gateway.run(["lock", "target", "db-01", "--reason", "restore in progress"])
            #expect(locked.succeeded, "\(locked)\n\(gateway.logTail)")
            #expect(await sleeper.waitForExit(timeout: .seconds(10)) != nil, "the session on db-01 outlived the lock")
            let refused = try await gateway.bob(on: "db-01").ssh("echo no")
            #expect(!refused.succeeded && refused.stderr.contains("target db-01 is locked by"), "\(refused)")
            #expect(refused.stderr.contains("restore in progress"), "\(refused)")
            let other = try await gateway.bob(on: "web-01").ssh("echo other-$((3*3))")
            #expect(other.succeeded && other.stdout == "other-9\n", "a lock of db-01 must not touch web-01: \(other)")
            let locks = try await gateway.gateway.run(["locks"])
            #expect(locks.stdout.contains("db-01") && locks.stdout.contains("restore in progress"), "\(locks)")
            let unlocked = try await gateway.gateway.run(["unlock", "target", "db-01"])
            #expect(unlocked.succeeded, "\(unlocked)")
            let works = try await gateway.bob(on: "db-01").ssh("echo back-$((4+4))")
            #expect(works.succeeded && works.stdout == "back-8\n", "\(works)")

            let watchers = try await gateway.audit.rows(
                "SELECT user FROM events WHERE kind = 'watch.start' AND session_id = \(PolicyAuditDatabase.literal(id))")
            #expect(watchers.first?.first?.contains("@") == true, "\(watchers)")
        }

        @Test func aModeratedSessionWaitsForARetailerWatcherPausesWhenTheyLeaveAndResumesWhenOneReturns() async throws {
            let gateway = try SharedPolicyGateway.current()
            // What the engineer types leaves files on the (local) target: whether a file exists
            // says whether the typed line reached the target, whatever order the client prints
            // the gateway's notices (stderr) and the shell's output (stdout) in.
            let first = gateway.directory.file("moderated-first-\(UInt32.random(in: 1000...9999))")
            let second = gateway.directory.file("moderated-second-\(UInt32.random(in: 1000...9999))")
            let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
            async let engineer = InteractiveScenarios.shell(gateway.bob(on: "pay-01"), [
                .expect("tracegate: this session waits for a watcher (org retailer) before it reaches pay-01", timeout: 30),
                .send("touch \(first)\r"),
                .expect("input and output are held until one returns", timeout: 60),
                .send("touch \(second); echo back-$((6*6))-typed\r"),
                .expect("back-36-typed", timeout: 60),
                .pause(1),
                .send("exit 0\r"),
            ], exitTimeout: 30)
            let id = try #require(try await bobsSession(on: "pay-01", gateway), "\(gateway.logTail)")
            try await Task.sleep(for: .seconds(2))
            #expect(!exists(first), "a line typed while nobody watched reached the target")
            let refused = try await gateway.bob(on: "pay-01").ssh("echo exec-$((2*2))")
            #expect(!refused.succeeded && refused.stderr.contains("this grant requires a watcher (org retailer)"), "\(refused)")

            let firstWatcher = try await PseudoTerminal.run(
                "ssh", shell(gateway, "alice").sshArguments("watch \(id)", options: ["-tt"]),
                steps: [.expect("tracegate: watching \(id)", timeout: 20), .pause(2), .send("q"), .expect("you stopped watching")])
            #expect(firstWatcher.failure == nil, "\(firstWatcher)\n\(gateway.logTail)")
            #expect(await waitFor(timeout: .seconds(10)) { exists(first) }, "the held line never ran once a watcher came")

            // The watcher left: held again.
            try await Task.sleep(for: .seconds(2))
            #expect(!exists(second), "a line typed after the last watcher left reached the target")
            async let secondWatcher = PseudoTerminal.run(
                "ssh", shell(gateway, "alice").sshArguments("watch \(id)", options: ["-tt"]),
                steps: [.expect("tracegate: watching \(id)", timeout: 20), .expect("back-36-typed", timeout: 60)])
            // While a retailer watcher watches bob's shell on pay-01, his commands there run.
            var exec = try await gateway.bob(on: "pay-01").ssh("echo exec-$((2*2))")
            let deadline = ContinuousClock.now + .seconds(30)
            while !exec.succeeded && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(300))
                exec = try await gateway.bob(on: "pay-01").ssh("echo exec-$((2*2))")
            }
            #expect(exec.succeeded && exec.stdout == "exec-4\n", "\(exec)\n\(gateway.logTail)")
            #expect(await waitFor(timeout: .seconds(20)) { exists(second) }, "the session did not resume when a watcher returned")
            let transcript = try await engineer
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
            let watched = try await secondWatcher
            #expect(watched.failure == nil, "\(watched)")
            // The operator's notify command heard that the session waited, both times.
            let notified = await waitFor(timeout: .seconds(20)) {
                let reasons = ConsentNotify.received.filter { $0.contains(id) && $0.contains("\"watcher.awaited\"") }
                return reasons.contains { $0.contains("session_started") } && reasons.contains { $0.contains("watcher_left") }
            }
            #expect(notified, "notify lines: \(ConsentNotify.received)")
            let line = ConsentNotify.received.first { $0.contains(id) && $0.contains("session_started") } ?? ""
            #expect(line.contains("\"watchers\":\"org retailer\"") && line.contains("watch \(id)"), "\(line)")
        }
    }
}
