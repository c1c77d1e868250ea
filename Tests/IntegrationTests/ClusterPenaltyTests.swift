import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Penalties shared by the nodes of a cluster (issue 19, item 5): a source that keeps failing
    /// authentication on node 1 is closed at accept on node 2 too, within a second or two of its
    /// `penalty.start` on node 1, while other sources still get in; when the penalty ends both
    /// nodes accept it again. Node 2 writes no audit event of its own for it (the evidence is in
    /// node 1's chain). Two real gateways, one real PostgreSQL, real OpenSSH clients bound to
    /// loopback addresses (`ssh -b`); short penalties keep it quick.
    @Suite(.clusterPair(penalties: [("auth_failure", "5s"), ("min", "6s"), ("max", "8s")]), .serialized,
           .timeLimit(.minutes(3)))
    struct ClusterPenaltyTests {
        private static let source = "127.0.0.21"

        /// Whether `result` is a connection closed at accept (before any SSH: no banner, no
        /// authentication).
        private func closedAtAccept(_ result: ProcessResult) -> Bool {
            result.status == 255 && !result.stderr.contains("Permission denied")
                && (result.stderr.contains("kex_exchange_identification") || result.stderr.contains("Connection reset")
                    || result.stderr.contains("Connection closed"))
        }

        @Test func aSourcePenalisedOnNodeOneIsClosedAtAcceptOnNodeTwoWithinASecondOrTwoAndLetInAfterItsEnd() async throws {
            let scene = try SharedClusterPair.current()
            let key = try await KeyPair.generate(in: scene.first.directory.path, name: "cluster-penalty-stranger")
            let stranger = try scene.first.gatewayClient(identity: key, name: "gw-cluster-penalty-stranger")
                .withUser("\(scene.first.login)@web-01")

            // Failures on gw-1 until it penalises the source (two of 5 s reach min 6 s).
            var rows: [AuditRow] = []
            for _ in 0..<4 where rows.isEmpty {
                let failed = try await stranger.ssh("true", options: refusalOptions + ["-b", Self.source])
                expectRefusal(failed, containing: "Permission denied (publickey", scene.first)
                rows = try await scene.first.auditDatabase.waitForRows("""
                    SELECT (julianday(time) - 2440587.5) * 86400.0 AS seconds,
                           (julianday(json_extract(details, '$.until')) - 2440587.5) * 86400.0 AS until, details FROM events
                    WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '\(Self.source)'
                    """, timeout: .seconds(2))
            }
            let penalty = try #require(rows.first, "gw-1 never penalised \(Self.source)\n\(scene.logTails)")
            let imposedAt = try #require(penalty["seconds"].flatMap(Double.init))
            let until = try #require(penalty["until"].flatMap(Double.init), "\(penalty)")

            // gw-2 learns it: alice's good key from that source is closed at accept there.
            var refusedAt: Double?
            var lastAdmitted: Double?
            let deadline = ContinuousClock.now + .seconds(5)
            while refusedAt == nil && ContinuousClock.now < deadline {
                let attemptAt = Date().timeIntervalSince1970
                let attempt = try await scene.onSecond("alice", target: "web-01")
                    .ssh("echo through-gw-2", options: refusalOptions + ["-b", Self.source])
                if closedAtAccept(attempt) {
                    refusedAt = attemptAt
                } else {
                    #expect(attempt.stdout == "through-gw-2\n", "\(attempt)\n\(scene.logTails)")
                    lastAdmitted = attemptAt
                }
            }
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
    }
}
