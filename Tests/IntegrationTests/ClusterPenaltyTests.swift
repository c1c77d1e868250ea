import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// Penalties shared by the nodes of a cluster (issue 19, item 5): a source that keeps failing
    /// authentication on node 1 is closed at accept on node 2 too, within a second or two of its
    /// `penalty.start` on node 1, while other sources still get in; when the penalty ends both
    /// nodes accept it again. Node 2 writes no audit event of its own for it (the evidence is in
    /// node 1's chain). Two real gateways, one real PostgreSQL, real OpenSSH clients bound to
    /// loopback addresses (`ssh -b`); short penalties keep it quick (two failures penalise for
    /// about 19 s: long enough to outlast PostgreSQL's restart and the feed's reconnection).
    /// While PostgreSQL is down the penalising node's push waits, and is sent when it returns.
    @Suite(.clusterPair(penalties: [("auth_failure", "10s"), ("min", "12s"), ("max", "30s")]), .serialized,
           .timeLimit(.minutes(4)))
    struct ClusterPenaltyTests {
        private static let source = "127.0.0.21"

        /// Whether `result` is a connection closed at accept (before any SSH: no banner, no
        /// authentication).
        private func closedAtAccept(_ result: ProcessResult) -> Bool {
            result.status == 255 && !result.stderr.contains("Permission denied")
                && (result.stderr.contains("kex_exchange_identification") || result.stderr.contains("Connection reset")
                    || result.stderr.contains("Connection closed"))
        }

        /// Fails authentication on gw-1 from `source` until gw-1 penalises it (two failures of
        /// 10 s reach min 12 s); returns when (Unix seconds, gw-1's `penalty.start`) and until when.
        private func penalise(_ source: String, on scene: ClusterPairScene) async throws -> (imposedAt: Double, until: Double) {
            let key = try await KeyPair.generate(in: scene.first.directory.path, name: "cluster-penalty-\(source)")
            let stranger = try scene.first.gatewayClient(identity: key, name: "gw-cluster-penalty-\(source)")
                .withUser("\(scene.first.login)@web-01")
            var rows: [AuditRow] = []
            for _ in 0..<4 where rows.isEmpty {
                let failed = try await stranger.ssh("true", options: refusalOptions + ["-b", source])
                expectRefusal(failed, containing: "Permission denied (publickey", scene.first)
                rows = try await scene.first.auditDatabase.waitForRows("""
                    SELECT (julianday(time) - 2440587.5) * 86400.0 AS seconds,
                           (julianday(json_extract(details, '$.until')) - 2440587.5) * 86400.0 AS until FROM events
                    WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '\(source)'
                    """, timeout: .seconds(2))
            }
            let penalty = try #require(rows.first, "gw-1 never penalised \(source)\n\(scene.logTails)")
            return (try #require(penalty["seconds"].flatMap(Double.init)), try #require(penalty["until"].flatMap(Double.init)))
        }

        /// alice (a good key) from `source` to gw-2, until closed at accept or `timeout`; returns
        /// the Unix time the first refused attempt started, and the last admitted one.
        private func waitUntilClosedOnSecond(_ source: String, _ scene: ClusterPairScene,
                                             timeout: Duration) async throws -> (refusedAt: Double?, lastAdmitted: Double?) {
            var lastAdmitted: Double?
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let attemptAt = Date().timeIntervalSince1970
                let attempt = try await scene.onSecond("alice", target: "web-01")
                    .ssh("echo through-gw-2", options: refusalOptions + ["-b", source])
                if closedAtAccept(attempt) { return (attemptAt, lastAdmitted) }
                #expect(attempt.stdout == "through-gw-2\n", "\(attempt)\n\(scene.logTails)")
                lastAdmitted = attemptAt
            }
            return (nil, lastAdmitted)
        }

        @Test func aSourcePenalisedOnNodeOneIsClosedAtAcceptOnNodeTwoWithinASecondOrTwoAndLetInAfterItsEnd() async throws {
            let scene = try SharedClusterPair.current()
            let (imposedAt, until) = try await penalise(Self.source, on: scene)

            // gw-2 learns it: alice's good key from that source is closed at accept there.
            let (refusedAt, lastAdmitted) = try await waitUntilClosedOnSecond(Self.source, scene, timeout: .seconds(5))
            let refused = try #require(refusedAt, "gw-2 never closed \(Self.source) at accept\n\(scene.logTails)")
            let delay = refused - imposedAt
            print("cluster penalty gw-1 -> gw-2: closed at accept on gw-2 by an attempt started \(Int(delay * 1000)) ms "
                  + "after penalty.start on gw-1" + (lastAdmitted.map { " (last admitted attempt at +\(Int(($0 - imposedAt) * 1000)) ms)" } ?? ""))
            #expect(delay < 2.5, "the penalty took \(delay) s to reach gw-2")

            // Another source still gets in on gw-2.
            let elsewhere = try await scene.onSecond("alice", target: "web-01").ssh("echo other-source", options: ["-b", "127.0.0.22"])
            #expect(elsewhere.stdout == "other-source\n", "\(elsewhere)\n\(scene.logTails)")

            // Shared once, by gw-1; gw-2 audits nothing of its own for it and logs that it enforces it.
            let shared = try await scene.postgres.query(
                "SELECT node, reason, level, until FROM penalties WHERE source = '\(Self.source)'", database: ClusterPairScene.database)
            #expect(shared.count == 1 && shared.first?.hasPrefix("gw-1|auth_failure|1|") == true, "\(shared)")
            let ownEvents = try await scene.secondAuditDatabase.query("SELECT id FROM events WHERE kind = 'penalty.start'")
            #expect(ownEvents.isEmpty, "\(ownEvents)")
            #expect(scene.second.log.contains("source penalised by another node"), "\(scene.logTails)")

            // After the penalty's end both nodes let the source in again.
            let remaining = until - Date().timeIntervalSince1970
            try await Task.sleep(for: .milliseconds(max(0, Int64(remaining * 1000)) + 500))
            let second = try await scene.onSecond("alice", target: "web-01").ssh("echo back-on-gw-2", options: ["-b", Self.source])
            #expect(second.stdout == "back-on-gw-2\n", "\(second)\n\(scene.logTails)")
            let first = try await scene.first.alice(on: "web-01").ssh("echo back-on-gw-1", options: ["-b", Self.source])
            #expect(first.stdout == "back-on-gw-1\n", "\(first)\n\(scene.logTails)")
        }

        @Test func aPenaltyImposedWhilePostgreSQLIsDownReachesTheOtherNodeWhenItReturns() async throws {
            let scene = try SharedClusterPair.current()
            let source = "127.0.0.23"
            try await scene.postgres.stop()
            var restarted = false
            defer { if !restarted { Task { [postgres = scene.postgres] in try? await postgres.restart() } } }

            // gw-1 penalises on its own (its book, its chain); gw-2 cannot know yet.
            let (_, until) = try await penalise(source, on: scene)
            let unaware = try await scene.onSecond("alice", target: "web-01").ssh("echo unaware", options: ["-b", source])
            #expect(unaware.stdout == "unaware\n", "\(unaware)\n\(scene.logTails)")

            try await scene.postgres.restart()
            restarted = true
            let returned = Date().timeIntervalSince1970
            // gw-1 pushes the waiting penalty when it reconnects (backoff at most 5 s); gw-2 hears of it.
            let (refusedAt, _) = try await waitUntilClosedOnSecond(source, scene, timeout: .seconds(12))
            let refused = try #require(refusedAt, "gw-2 never closed \(source) at accept after PostgreSQL returned\n\(scene.logTails)")
            print("cluster penalty after an outage: closed at accept on gw-2 \(Int((refused - returned) * 1000)) ms after "
                  + "PostgreSQL returned (\(Int(until - refused)) s of the penalty left)")
            #expect(refused < until)
        }
    }
}
