import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// A gateway node of a cluster ships its hash chain to a real PostgreSQL: every event
    /// arrives within about a second with its node, survives a `kill -9` of the gateway and an
    /// outage of PostgreSQL exactly once, and `audit verify` checks it there.
    @Suite(.clusterScene, .timeLimit(.minutes(5)))
    struct ClusterTrailTests {
        private func expectWholeChainShipped(_ scene: ClusterScene, timeout: Duration,
                                             sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let (local, shipped) = try await scene.waitUntilShipped(timeout: timeout)
            // Same ids with the same hashes, in order: nothing missing, nothing twice, no other chain.
            let difference = zip(shipped, local).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "in length"
            let explanation = "PostgreSQL: \(shipped.count) events, local: \(local.count); first difference: \(difference)\n"
                + scene.fixture.gatewayLogTail
            #expect(shipped == local, "\(explanation)", sourceLocation: sourceLocation)
            let ids = shipped.compactMap { $0.split(separator: "|").first.flatMap { Int($0) } }
            #expect(ids == Array(1...max(1, ids.count)), "ids must run 1…N without gaps", sourceLocation: sourceLocation)
        }

        private func verifyPasses(_ scene: ClusterScene, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let verify = try await scene.fixture.audit(["verify"])
            #expect(verify.succeeded, "\(verify)", sourceLocation: sourceLocation)
            #expect(verify.stdout.hasPrefix("node \(ClusterScene.node): OK "), "\(verify)", sourceLocation: sourceLocation)
        }

        @Test func everyEventOfAConnectionReachesPostgreSQLWithItsNodeWithinASecondOrTwo() async throws {
            let scene = try SharedCluster.current()
            let fixture = scene.fixture
            let (result, connection, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo shipped")
            }
            try #require(result.succeeded, "\(result)")
            #expect(events.contains { $0["kind"] == "channel.open" } && events.contains { $0["kind"] == "connection.close" })
            let expected = Set(events.map { "\($0["id"] ?? "?")|\($0["hash"] ?? "?")" })
            let connectionID = try #require(connection["connection_id"])
            // From the moment the local trail holds the closed connection.
            let start = ContinuousClock.now
            var arrived: Set<String> = []
            while ContinuousClock.now - start < .seconds(5) {
                arrived = Set(try await scene.postgres.query(
                    "SELECT id, hash FROM events WHERE node = '\(ClusterScene.node)' AND connection_id = '\(connectionID)'",
                    database: ClusterScene.database))
                if arrived == expected { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = ContinuousClock.now - start
            #expect(arrived == expected, "in PostgreSQL after \(elapsed): \(arrived.count) of \(expected.count) events")
            #expect(elapsed < .milliseconds(2_500), "the connection's events took \(elapsed) to reach PostgreSQL")

            // `audit events` on the clustered configuration reads them from PostgreSQL, with the node.
            let listed = try await fixture.audit(["events", "--connection", connectionID, "--format", "json"])
            try #require(listed.succeeded, "\(listed)")
            let rows = try AuditJSON.lines(listed.stdout)
            #expect(Set(rows.map { "\($0["id"] ?? "?")|\($0["hash"] ?? "?")" }) == expected, "\(listed.stdout)")
            #expect(rows.allSatisfy { $0["node"] == ClusterScene.node }, "\(listed.stdout)")
            try await verifyPasses(scene)
        }

        @Test func clusterStatusShowsTheNodeItsConfigurationAndLag() async throws {
            let scene = try SharedCluster.current()
            let digest = try await FileDigest.sha256(scene.fixture.gateway.configPath)
            var status = try await scene.fixture.gateway.run(["cluster", "status"])
            // The heartbeat comes every 2 s; the lag reads 0 once everything is shipped.
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, !status.stdout.contains("lag 0 events") {
                try await Task.sleep(for: .milliseconds(200))
                status = try await scene.fixture.gateway.run(["cluster", "status"])
            }
            #expect(status.succeeded, "\(status)")
            let line = try #require(status.stdout.split(separator: "\n").first.map(String.init), "\(status)")
            #expect(line.hasPrefix("\(ClusterScene.node)  seen "), "\(line)")
            #expect(line.contains("config \(digest.prefix(12))"), "\(line) (configuration \(digest))")
            #expect(line.contains("lag 0 events"), "\(line)")
            #expect(!status.stdout.contains("MISMATCH"), "\(status)")
        }

        @Test func configCheckNamesTheClusterAndRefusesAPasswordInTheURL() async throws {
            let scene = try SharedCluster.current()
            let check = try await scene.fixture.gateway.run(["config", "check"])
            #expect(check.succeeded, "\(check)")
            #expect(check.stdout.contains("cluster: node \(ClusterScene.node), trail shipped to \(scene.postgres.url(database: ClusterScene.database))"
                + " (password from \(scene.postgres.passwordFile))"), "\(check)")
            #expect(!check.stdout.contains(scene.postgres.password), "\(check)")
            let leaky = scene.postgres.url(database: ClusterScene.database)
                .replacingOccurrences(of: "tracegate@", with: "tracegate:\(scene.postgres.password)@")
            let bad = try GatewayProcess(
                configPath: try scene.fixture.directory.write(
                    "cluster: {node: gw-9, postgres: \(GatewayConfiguration.quote(leaky))}\n", to: "leaky.yaml", mode: 0o644),
                workingDirectory: scene.fixture.directory.path, port: 0, stateDirectory: scene.fixture.directory.file("unused"))
            let refused = try await bad.run(["config", "check"])
            #expect(refused.termination == .exited(1), "\(refused)")
            let lines = refused.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasSuffix(":1:33: cluster.postgres must not contain a password: "
                + "put it in cluster.password_file or TRACEGATE_POSTGRES_PASSWORD"), "\(refused)")
            #expect(!(refused.stdout + refused.stderr).contains(scene.postgres.password), "\(refused)")
        }

        @Test func twoNodesChainsAreVerifiedListedAndTheirConfigurationsCompared() async throws {
            let scene = try SharedCluster.current()
            let second = "gw-2"
            let (gateway, alice) = try await scene.startNode(second)
            let result = try await alice.ssh("echo from-the-second-node")
            #expect(result.succeeded, "\(result)\n\(gateway.log.suffix(3000))")
            await gateway.stop()
            let secondLocal = try await AuditTrailDatabase(path: gateway.stateDirectory + "/audit.db")
                .query("SELECT id, hash FROM events ORDER BY id").map { "\($0["id"] ?? "?")|\($0["hash"] ?? "?")" }
            // The stopped node shipped its last events, its stop among them, on the way out.
            let secondShipped = try await scene.postgres.query(
                "SELECT id, hash FROM events WHERE node = '\(second)' ORDER BY id", database: ClusterScene.database)
            #expect(secondShipped == secondLocal, "PostgreSQL \(secondShipped.count), local \(secondLocal.count)")

            let verify = try await scene.fixture.audit(["verify"])
            #expect(verify.succeeded, "\(verify)")
            let lines = verify.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count >= 2 && lines[0].hasPrefix("node \(ClusterScene.node): OK ")
                && lines[1] == "node \(second): OK \(secondLocal.count) events, head \(secondLocal.last?.split(separator: "|").last ?? "?")",
                "\(verify)")

            let listed = try await scene.fixture.audit(["events", "--kind", "channel.open", "--format", "json", "--limit", "0"])
            try #require(listed.succeeded, "\(listed)")
            let nodes = Set(try AuditJSON.lines(listed.stdout).compactMap { $0["node"] })
            #expect(nodes == [ClusterScene.node, second], "\(listed.stdout)")

            // Each node's configuration differs (port, state_dir, node name): status says so.
            let status = try await scene.fixture.gateway.run(["cluster", "status"])
            #expect(status.succeeded, "\(status)")
            #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("\(second)  seen ") && $0.contains("(MISMATCH)") },
                    "\(status)")
            #expect(status.stdout.contains("configurations differ between nodes"), "\(status)")
            // The departed node's heartbeat row goes, so that the other tests see one node again.
            _ = try await scene.postgres.query("DELETE FROM nodes WHERE node = '\(second)'", database: ClusterScene.database)
        }

        @Test func aSecondNodeUnderTheSameNameIsRefusedAndTheFirstChainStaysIntact() async throws {
            let scene = try SharedCluster.current()
            _ = try await scene.waitUntilShipped(timeout: .seconds(10))
            // A copy of the configuration started elsewhere without changing `node:`.
            let (gateway, _) = try await scene.startNode(ClusterScene.node)
            let refused = await waitFor(timeout: .seconds(10)) {
                gateway.log.contains("PostgreSQL holds another chain for node \(ClusterScene.node)")
            }
            await gateway.stop()
            #expect(refused, "\(gateway.log.suffix(3000))")
            try await expectWholeChainShipped(scene, timeout: .seconds(10))
            try await verifyPasses(scene)
        }

        @Test func readingADatabaseWithoutTheSchemaSaysToMigrate() async throws {
            let scene = try SharedCluster.current()
            let url = try await scene.postgres.createDatabase("empty")
            let lines = [
                "cluster:", "  node: gw-1", "  postgres: \(GatewayConfiguration.quote(url))",
                "  password_file: \(GatewayConfiguration.quote(scene.postgres.passwordFile))",
            ]
            let path = try scene.fixture.directory.write(lines.joined(separator: "\n") + "\n", to: "empty.yaml", mode: 0o644)
            let process = try GatewayProcess(configPath: path, workingDirectory: scene.fixture.directory.path, port: 0,
                                             stateDirectory: scene.fixture.directory.file("unused"))
            let status = try await process.run(["cluster", "status"])
            #expect(status.termination == .exited(2), "\(status)")
            #expect(status.stderr == "tracegate: the PostgreSQL database has no tracegate schema; run `tracegate cluster migrate --config \(path)`\n",
                    "\(status)")
        }

        @Test func aTamperedRowInPostgreSQLFailsVerifyNamingNodeAndEvent() async throws {
            let scene = try SharedCluster.current()
            let fixture = scene.fixture
            let (result, _, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo tamper-me")
            }
            try #require(result.succeeded, "\(result)")
            let attempt = try #require(events.first { $0["kind"] == "auth.attempt" }?.int("id"), "\(events)")
            _ = try await scene.waitUntilShipped(timeout: .seconds(10))
            let row = "node = '\(ClusterScene.node)' AND id = \(attempt)"
            let original = try #require(try await scene.postgres.query(
                "SELECT key_fingerprint FROM events WHERE \(row)", database: ClusterScene.database).first)
            // The append-only trigger refuses a plain edit, as SQLite's triggers do.
            await #expect(throws: TestSupportError.self) {
                _ = try await scene.postgres.query("UPDATE events SET login = 'root' WHERE \(row)", database: ClusterScene.database)
            }
            _ = try await scene.postgres.query("""
                ALTER TABLE events DISABLE TRIGGER events_are_append_only;
                UPDATE events SET key_fingerprint = 'SHA256:somebody-else' WHERE \(row);
                """, database: ClusterScene.database)
            let broken = try await fixture.audit(["verify"])
            // Put it back before judging, so that a failure here leaves the other tests a valid chain.
            _ = try await scene.postgres.query("""
                UPDATE events SET key_fingerprint = '\(original)' WHERE \(row);
                ALTER TABLE events ENABLE TRIGGER events_are_append_only;
                """, database: ClusterScene.database)
            #expect(broken.termination == .exited(1), "\(broken)")
            #expect(broken.stdout.contains(
                "node \(ClusterScene.node): BROKEN at event \(attempt): its contents do not match its hash: the row was edited"),
                "\(broken)")
            try await verifyPasses(scene)
        }

        @Test func afterKillNineAndRestartPostgreSQLHoldsTheWholeChainOnce() async throws {
            let scene = try SharedCluster.current()
            let fixture = scene.fixture
            let mark = try await fixture.auditDatabase.lastEventID()
            let stream = try fixture.alice(on: "web-01").spawnSSH("for i in $(seq 1 100); do echo line $i; sleep 0.05; done")
            // Killed mid-stream: the session is open and its output is flowing.
            let open = try await fixture.auditDatabase.waitForRows(
                "SELECT id FROM events WHERE id > \(mark) AND kind = 'channel.open'", timeout: .seconds(15))
            #expect(!open.isEmpty, "the streaming session never started\n\(fixture.gatewayLogTail)")
            try await Task.sleep(for: .milliseconds(500))
            let killed = await fixture.gateway.stop(signal: SIGKILL)
            #expect(killed == .signalled(SIGKILL), "\(String(describing: killed))")
            _ = await stream.waitForExit(timeout: .seconds(30))
            try await fixture.gateway.start()
            let after = try await fixture.alice(on: "web-01").ssh("echo after-restart")
            #expect(after.succeeded, "\(after)")
            try await expectWholeChainShipped(scene, timeout: .seconds(30))
            try await verifyPasses(scene)
        }

        @Test func sessionsGoOnWhilePostgreSQLIsDownAndEveryEventArrivesOnceAfterwards() async throws {
            let scene = try SharedCluster.current()
            let fixture = scene.fixture
            let warning = "cannot ship the trail to PostgreSQL"
            let warningsBefore = fixture.gateway.log.components(separatedBy: warning).count - 1
            try await scene.postgres.stop()
            var restarted = false
            defer { if !restarted { Task { [postgres = scene.postgres] in try? await postgres.restart() } } }
            let outage = ContinuousClock.now
            var sessions = 0
            while ContinuousClock.now - outage < .seconds(10) {
                let result = try await fixture.alice(on: "web-02").ssh("echo during-outage")
                #expect(result.succeeded, "a session failed while PostgreSQL was down\n\(result)")
                sessions += 1
                try await Task.sleep(for: .seconds(1))
            }
            #expect(sessions >= 3)
            let scrape = try await scene.metrics.scrape()
            #expect(scrape.value("tracegate_cluster_postgres_reachable") == 0, "\(scrape.text)")
            #expect(scrape.value("tracegate_cluster_lag_events") > 0, "\(scrape.text)")
            #expect(scrape.value("tracegate_cluster_lag_seconds") > 1, "\(scrape.text)")
            // One line for the whole outage, however many attempts were made.
            #expect(fixture.gateway.log.components(separatedBy: warning).count - 1 == warningsBefore + 1,
                    "\(fixture.gatewayLogTail)")

            try await scene.postgres.restart()
            restarted = true
            try await expectWholeChainShipped(scene, timeout: .seconds(30))
            let recovered = try await scene.metrics.scrape()
            #expect(recovered.value("tracegate_cluster_postgres_reachable") == 1, "\(recovered.text)")
            #expect(fixture.gateway.log.contains("PostgreSQL reachable again"), "\(fixture.gatewayLogTail)")
            try await verifyPasses(scene)
        }
    }
}
