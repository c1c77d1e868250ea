import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// Three gateway nodes sharing keys and one PostgreSQL trail, behind real HAProxy
    /// (`config/examples/haproxy.cfg` with a 500 ms check interval), with real OpenSSH clients
    /// on distinct loopback addresses: sessions spread over the nodes, each audited with the
    /// engineer's own address; a node killed with SIGKILL loses its sessions, not the service,
    /// and after its restart its whole chain is in PostgreSQL once.
    @Suite(.clusterFailoverScene, .timeLimit(.minutes(5)))
    struct ClusterFailoverTests {
        @Test func sessionsSpreadOverTheNodesAndPostgreSQLHoldsEachWithItsNodeAndTheEngineersAddress() async throws {
            let scene = try SharedClusterFailover.current()
            let alice = try scene.client("spread-alice")
            let addresses = (11...16).map { "127.0.0.\($0)" }
            for address in addresses {
                let result = try await alice.ssh("echo from-\(address)", options: ["-b", address])
                #expect(result.stdout == "from-\(address)\n", "\(result)\n\(scene.logs)")
            }

            // One connection.open per address, with the node that served it and HAProxy as `via`.
            let list = addresses.map { "'\($0)'" }.joined(separator: ", ")
            let rows = try await scene.postgresRows("""
                SELECT node, source_address, connection_id, details::jsonb->>'via' FROM events
                WHERE kind = 'connection.open' AND source_address IN (\(list)) ORDER BY source_address
                """, atLeast: addresses.count)
            #expect(rows.map { $0[1] } == addresses, "\(rows)")
            #expect(rows.allSatisfy { $0[3].hasPrefix("\(ProxyScene.proxySource):") }, "\(rows)")
            let nodes = Set(rows.map { $0[0] })
            #expect(nodes.count >= 2 && nodes.isSubset(of: Set(scene.nodes.map(\.name))),
                    "HAProxy's leastconn should spread six connections: \(rows)\n\(scene.haproxy.log.suffix(2000))")

            // The node named in PostgreSQL is the one whose own trail holds the connection.
            for row in rows {
                let node = try scene.node(named: row[0])
                let local = try await node.auditDatabase.query(
                    "SELECT source_address FROM events WHERE kind = 'connection.open' AND connection_id = \(AuditTrailDatabase.literal(row[2]))")
                #expect(local.map { $0["source_address"] } == [row[1]], "\(row) in \(node.name)'s trail: \(local)")
            }

            // Auditors see all of them from any node's configuration, each with its node.
            let third = try #require(scene.nodes.last)
            let listed = try await third.gateway.run(["audit", "events", "--kind", "connection.open", "--format", "json", "--limit", "0"])
            try #require(listed.succeeded, "\(listed)")
            let listedNodes = Dictionary(try AuditJSON.lines(listed.stdout).compactMap { row in
                row["connection_id"].map { ($0, row["node"] ?? "?") }
            }, uniquingKeysWith: { first, _ in first })
            for row in rows {
                #expect(listedNodes[row[2]] == row[0], "\(row) in `audit events`")
            }
            try await expectVerifyPasses(scene, through: third)
        }

        @Test func killNineOfANodeEndsItsSessionTheOthersTakeNewOnesAndItsChainArrivesWholeAfterRestart() async throws {
            let scene = try SharedClusterFailover.current()
            let alice = try scene.client("failover-alice")
            let stream = try await startStream(alice, from: "127.0.0.21", until: "line 2\n", in: scene)
            defer { stream.stopBlocking() }
            let opened = try await scene.postgresRows(
                "SELECT node FROM events WHERE kind = 'connection.open' AND source_address = '127.0.0.21'", atLeast: 1)
            let victim = try scene.node(named: try #require(opened.first?.first, "the session's connection.open never reached PostgreSQL"))

            // A stream of direct connections to the victim, so that it is writing events when it dies.
            let direct = try scene.directClient(to: victim)
            let load = (0..<2).map { _ in
                Task {
                    while !Task.isCancelled {
                        _ = try? await direct.ssh("true", timeout: .seconds(20))
                    }
                }
            }
            defer { load.forEach { $0.cancel() } }
            let mark = try await victim.auditDatabase.lastEventID()
            let busy = await waitUntil(timeout: .seconds(60)) { ((try? await victim.auditDatabase.lastEventID()) ?? 0) >= mark + 40 }
            #expect(busy, "the direct connections wrote too little to measure\n\(scene.logs)")

            let shippedBefore = try await scene.shippedMaximum(of: victim)
            let killedWall = Date()
            let killed = await victim.gateway.stop(signal: SIGKILL)
            let killedAt = ContinuousClock.now
            #expect(killed == .signalled(SIGKILL), "\(String(describing: killed))")
            for task in load {
                task.cancel()
                await task.value
            }
            // New connections through HAProxy from the moment of the kill, while the loss is measured.
            async let takeover = firstOfThreeSuccessesInARow(alice, from: "127.0.0.22", since: killedAt)
            let loss = try await measureLoss(of: victim, in: scene, shippedBefore: shippedBefore, killedAt: killedWall)
            print("ClusterFailoverTests: kill -9 of \(victim.name) under load: \(loss)")
            #expect(loss.shippedAfter <= loss.localAtKill, "\(loss)")

            // Its session ends with it: HAProxy closes the engineer's side when the node's goes.
            let ended = await stream.waitForExit(timeout: .seconds(30))
            #expect(ended != nil && ended != .exited(0), "the session on the killed node: \(String(describing: ended))")
            #expect(!String(decoding: stream.standardOutputSoFar, as: UTF8.self).contains("line 600\n"))

            // The other nodes take the new connections once HAProxy's checks took the dead one out.
            let (elapsed, failures) = try await takeover
            let window = Duration.milliseconds(2 * ClusterFailoverScene.checkIntervalMilliseconds)
            // tcplog's retries field reads "+1" for a connection HAProxy moved to another server.
            let redispatched = scene.haproxy.log.components(separatedBy: "/+1 ").count - 1
            print("ClusterFailoverTests: new connections through HAProxy succeed again \(elapsed) after the kill "
                + "(check interval \(ClusterFailoverScene.checkIntervalMilliseconds) ms, fall 2; \(failures) failed meanwhile, "
                + "\(redispatched) redispatched)")
            #expect(elapsed < window + .seconds(10), "took \(elapsed)\n\(scene.haproxy.log.suffix(3000))")
            // The example's `option redispatch`: one refused by the dead node is sent to another, not failed.
            #expect(failures == 0, "\(scene.haproxy.log.suffix(3000))")
            let after = try await scene.postgresRows(
                "SELECT node FROM events WHERE kind = 'connection.open' AND source_address = '127.0.0.22'", atLeast: 3)
            #expect(after.count >= 3 && !after.contains { $0.first == victim.name }, "\(after)")

            // HAProxy's checks take it out (two failed checks). Waited for before the restart: a
            // node back before its second failed check was never out, and never comes "back".
            let out = await waitFor(timeout: .seconds(10), every: .milliseconds(100)) {
                scene.haproxy.log.contains("tracegate/\(victim.name) is DOWN")
            }
            #expect(out, "HAProxy never took \(victim.name) out\n\(scene.haproxy.log.suffix(3000))")

            // Restarted, it ships what it had not, and HAProxy takes it back.
            let upBefore = scene.haproxy.log.components(separatedBy: "tracegate/\(victim.name) is UP").count
            try await victim.gateway.start()
            let ids = try await expectWholeChainShipped(of: victim, in: scene)
            #expect(ids.count > loss.localAtKill, "the events unshipped at the kill must be there now: \(loss)")
            let back = await waitFor(timeout: .seconds(30), every: .milliseconds(200)) {
                scene.haproxy.log.components(separatedBy: "tracegate/\(victim.name) is UP").count > upBefore
            }
            #expect(back, "\(scene.haproxy.log.suffix(3000))")
            try await expectVerifyPasses(scene, through: try #require(scene.nodes.first))
        }

        /// Issue 19's outage: PostgreSQL stopped for 30 s under a stream of sessions through
        /// HAProxy. The nodes keep the trail locally (the decision is durable in their own
        /// SQLite before a byte reaches a target), so every session goes on, `/readyz` keeps
        /// every node in HAProxy's pool, and after PostgreSQL returns each node's whole chain
        /// is there once, without gaps.
        @Test func aThirtySecondPostgreSQLOutageUnderAStreamOfSessionsCostsNoSessionAndNoEvent() async throws {
            let scene = try SharedClusterFailover.current()
            let alice = try scene.client("outage-alice")
            let downBefore = scene.haproxy.log.components(separatedBy: " is DOWN").count
            // A session that spans the outage, and a stream of short ones from changing addresses.
            let long = try await startStream(alice, from: "127.0.0.40", until: "started\n", in: scene)
            defer { long.stopBlocking() }

            try await scene.postgres.stop()
            var restarted = false
            defer { if !restarted { Task { [postgres = scene.postgres] in try? await postgres.restart() } } }
            let outage = ContinuousClock.now
            var made: [String: Int] = [:]
            var failed: [String] = []
            var round = 0
            while ContinuousClock.now - outage < .seconds(30) {
                let address = "127.0.0.\(41 + round % 10)"
                round += 1
                let result = try await alice.ssh("echo during-outage", options: ["-b", address], timeout: .seconds(20))
                if result.stdout == "during-outage\n" {
                    made[address, default: 0] += 1
                } else {
                    failed.append("\(address): \(result)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            let sessions = made.values.reduce(0, +)
            print("ClusterFailoverTests: \(sessions) sessions through HAProxy during a 30 s PostgreSQL outage, \(failed.count) failed")
            #expect(failed.isEmpty, "sessions failed while PostgreSQL was down: \(failed)\n\(scene.logs)")
            #expect(sessions >= 20, "too few sessions to call it a stream: \(sessions)")
            #expect(scene.haproxy.log.components(separatedBy: " is DOWN").count == downBefore,
                    "a node left HAProxy's pool because PostgreSQL was down\n\(scene.haproxy.log.suffix(3000))")
            #expect(long.isRunning, "the session spanning the outage ended: \(long.standardErrorText)")

            try await scene.postgres.restart()
            restarted = true
            for node in scene.nodes { _ = try await expectWholeChainShipped(of: node, in: scene) }
            // Each session made during the outage is in PostgreSQL once, with the address it came from.
            let list = made.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            let rows = try await scene.postgresRows("""
                SELECT source_address, count(*) FROM events
                WHERE kind = 'connection.open' AND source_address IN (\(list)) GROUP BY source_address ORDER BY source_address
                """, atLeast: made.count)
            let counted = Dictionary(uniqueKeysWithValues: rows.compactMap { row in Int(row[1]).map { (row[0], $0) } })
            #expect(counted == made, "connection.open rows per address in PostgreSQL against sessions made")
            try await expectVerifyPasses(scene, through: try #require(scene.nodes.last))
        }

        // MARK: helpers

        /// A session through HAProxy from `address` printing a line every 0.1 s for a minute,
        /// once its output shows `mark`.
        private func startStream(_ client: OpenSSHClient, from address: String, until mark: String,
                                 in scene: ClusterFailoverScene) async throws -> SpawnedProcess {
            let stream = try client.spawnSSH("echo started; for i in $(seq 1 600); do echo line $i; sleep 0.1; done",
                                             options: ["-b", address])
            let started = await waitFor(timeout: .seconds(30), every: .milliseconds(100)) {
                String(decoding: stream.standardOutputSoFar, as: UTF8.self).contains(mark)
            }
            if !started { stream.stopBlocking() }
            try #require(started, "the session from \(address) never started: \(stream.standardErrorText)\n\(scene.logs)")
            return stream
        }

        /// The node's chain in PostgreSQL equals its own trail and runs 1…N without gaps;
        /// returns the ids.
        private func expectWholeChainShipped(of node: ClusterFailoverScene.Node, in scene: ClusterFailoverScene,
                                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Int] {
            let (local, shipped) = try await scene.chains(of: node, timeout: .seconds(30))
            let difference = zip(shipped, local).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "in length"
            #expect(shipped == local, "\(node.name): PostgreSQL \(shipped.count), local \(local.count); first difference: \(difference)",
                    sourceLocation: sourceLocation)
            let ids = shipped.compactMap { $0.split(separator: "|").first.flatMap { Int($0) } }
            #expect(ids == Array(1...max(1, ids.count)), "\(node.name)'s ids in PostgreSQL must run 1…N without gaps",
                    sourceLocation: sourceLocation)
            return ids
        }

        /// What a node's sudden loss leaves unshipped: PostgreSQL's highest id for the node just
        /// before and after SIGKILL, against the highest id in its own trail, and how old the
        /// oldest unshipped event was at the kill.
        struct SuddenLoss: CustomStringConvertible {
            let shippedBefore: Int
            let shippedAfter: Int
            let localAtKill: Int
            let oldestUnshippedAgeMilliseconds: Int

            var unshipped: Int { localAtKill - shippedAfter }

            var description: String {
                "local trail at id \(localAtKill); PostgreSQL at id \(shippedBefore) just before the kill and \(shippedAfter) after: "
                    + "\(unshipped) events unshipped until the restart, the oldest written \(oldestUnshippedAgeMilliseconds) ms before the kill"
            }
        }

        /// Reads PostgreSQL's highest id for the killed node until it stops moving, and its
        /// local trail's, and dates the oldest event in between against the kill.
        private func measureLoss(of node: ClusterFailoverScene.Node, in scene: ClusterFailoverScene,
                                 shippedBefore before: Int, killedAt killedWall: Date) async throws -> SuddenLoss {
            // A batch whose COMMIT was on its way when the node died may still land: wait until
            // PostgreSQL's count stops moving.
            var after = try await scene.shippedMaximum(of: node)
            var stable = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !stable, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                let again = try await scene.shippedMaximum(of: node)
                stable = again == after
                after = again
            }
            let local = try await node.auditDatabase.lastEventID()
            var age = 0
            if local > after {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let oldest = try await node.auditDatabase.scalar("""
                    SELECT CAST(round((julianday('\(formatter.string(from: killedWall))') - julianday(time)) * 86400000) AS INTEGER)
                    FROM events WHERE id = \(after + 1)
                    """)
                age = oldest.flatMap { Int($0) } ?? -1
            }
            return SuddenLoss(shippedBefore: before, shippedAfter: after, localAtKill: local,
                              oldestUnshippedAgeMilliseconds: age)
        }

        /// Connects through HAProxy until three connections in a row succeed; returns when the
        /// first of those three started, counted from `since`.
        private func firstOfThreeSuccessesInARow(_ client: OpenSSHClient, from address: String,
                                                 since start: ContinuousClock.Instant) async throws -> (elapsed: Duration, failures: Int) {
            var streakStart: ContinuousClock.Instant?
            var streak = 0
            var failures = 0
            let deadline = start + .seconds(60)
            while streak < 3 {
                guard ContinuousClock.now < deadline else {
                    throw TestSupportError.timedOut("no three connections in a row through HAProxy within 60 s of the kill")
                }
                let attempt = ContinuousClock.now
                let result = try await client.ssh("echo after-kill", options: ["-b", address], timeout: .seconds(20))
                if result.stdout == "after-kill\n" {
                    if streak == 0 { streakStart = attempt }
                    streak += 1
                } else {
                    streak = 0
                    failures += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            return ((streakStart ?? start) - start, failures)
        }

        private func expectVerifyPasses(_ scene: ClusterFailoverScene, through node: ClusterFailoverScene.Node,
                                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let verify = try await node.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)", sourceLocation: sourceLocation)
            for name in scene.nodes.map(\.name) {
                #expect(verify.stdout.split(separator: "\n").contains { $0.hasPrefix("node \(name): OK ") }, "\(verify)",
                        sourceLocation: sourceLocation)
            }
        }

        /// Polls an async condition until it holds or `timeout` passes.
        private func waitUntil(timeout: Duration, _ condition: () async -> Bool) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if await condition() { return true }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return await condition()
        }
    }
}
