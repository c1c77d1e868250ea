import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Auditors use the same commands on a cluster: `audit connections|sessions|files|show|
    /// search` and `replay`, run on either node with the cluster configuration, answer for both
    /// nodes from PostgreSQL, each row with its node; recordings are read from the shared
    /// `cluster.recordings` directory. Serialized: one test restarts gw-2.
    @Suite(.clusterPairSharingRecordings, .serialized, .timeLimit(.minutes(5)))
    struct ClusterAuditTests {
        /// A session of each node, told apart by its command, once PostgreSQL holds both closed.
        private struct Sessions {
            var first: AuditRow
            var second: AuditRow
        }

        private func mark() -> String {
            "needle" + UUID().uuidString.prefix(8).lowercased()
        }

        /// `tracegate audit ARGUMENTS… --format json` on node 1 or 2, as rows.
        private func audit(_ scene: ClusterPairScene, onSecond: Bool = false, _ arguments: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> [AuditRow] {
            let arguments = ["audit"] + arguments + ["--format", "json"]
            let result = onSecond ? try await scene.second.run(arguments) : try await scene.first.gateway.run(arguments)
            try #require(result.succeeded, "\(arguments): \(result)", sourceLocation: sourceLocation)
            return try AuditJSON.lines(result.stdout)
        }

        /// Runs `echo MARK from one` through gw-1 and `echo MARK from two` through gw-2, and waits
        /// until `audit sessions` on gw-1 lists both closed.
        private func sessionOnEachNode(_ scene: ClusterPairScene, mark: String) async throws -> Sessions {
            let one = try await scene.onFirst("alice", target: "web-01").ssh("echo \(mark) from one")
            try #require(one.succeeded && one.stdout == "\(mark) from one\n", "\(one)")
            let two = try await scene.onSecond("alice", target: "web-01").ssh("echo \(mark) from two")
            try #require(two.succeeded && two.stdout == "\(mark) from two\n", "\(two)")
            let deadline = ContinuousClock.now + .seconds(15)
            var rows: [AuditRow] = []
            while ContinuousClock.now < deadline {
                rows = try await audit(scene, ["sessions", "--limit", "0"])
                if let first = rows.first(where: { $0["command"] == "echo \(mark) from one" && $0["closed_at"] != nil }),
                   let second = rows.first(where: { $0["command"] == "echo \(mark) from two" && $0["closed_at"] != nil }) {
                    return Sessions(first: first, second: second)
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("PostgreSQL never listed both closed sessions of \(mark): \(rows)\n\(scene.logTails)")
            throw CancellationError()
        }

        @Test func connectionsSessionsShowAndSearchAnswerForBothNodesWithTheirNode() async throws {
            let scene = try SharedClusterPair.current()
            let mark = mark()
            let sessions = try await sessionOnEachNode(scene, mark: mark)
            #expect(sessions.first["node"] == "gw-1" && sessions.second["node"] == "gw-2", "\(sessions.first)\n\(sessions.second)")
            #expect(sessions.first["exit_status"] == "0" && sessions.second["exit_status"] == "0")
            let firstConnection = try #require(sessions.first["connection_id"])
            let secondConnection = try #require(sessions.second["connection_id"])

            // Connections: both nodes' rows, each once, with its node; the same from either node.
            for onSecond in [false, true] {
                let connections = try await audit(scene, onSecond: onSecond, ["connections", "--limit", "0"])
                let ids = connections.compactMap { $0["connection_id"] }
                #expect(ids.count == Set(ids).count, "a connection listed twice: \(ids)")
                #expect(connections.first { $0["connection_id"] == firstConnection }?["node"] == "gw-1", "\(connections)")
                let second = connections.first { $0["connection_id"] == secondConnection }
                #expect(second?["node"] == "gw-2" && second?["user"] == "alice" && second?["session_count"] == "1"
                        && second?["closed_at"] != nil, "\(connections)")
            }

            // Filters: one connection's sessions; a user with no sessions here; a limit.
            let ofSecond = try await audit(scene, ["sessions", "--connection", secondConnection])
            #expect(ofSecond.map { $0["session_id"] } == [sessions.second["session_id"]], "\(ofSecond)")
            #expect(try await audit(scene, ["sessions", "--user", "nobody-\(mark)"]).isEmpty)
            #expect(try await audit(scene, ["connections", "--user", "alice", "--limit", "1"]).count == 1)

            // The table carries the node too.
            let table = try await scene.first.gateway.run(["audit", "sessions", "--connection", secondConnection])
            #expect(table.succeeded && table.stdout.hasPrefix("NODE ") && table.stdout.contains("\ngw-2  "), "\(table)")

            // show: a gw-2 connection, asked on gw-1.
            let show = try await scene.first.gateway.run(["audit", "show", secondConnection])
            #expect(show.succeeded, "\(show)")
            #expect(show.stdout.contains("Connection \(secondConnection)") && show.stdout.contains("node      gw-2")
                    && show.stdout.contains("echo \(mark) from two") && show.stdout.contains("connection.close"), "\(show)")
            let shown = try await scene.first.gateway.run(["audit", "show", secondConnection, "--format", "json"])
            let object = try #require(AuditJSON.object(shown.stdout), "\(shown)")
            #expect((object["connection"] as? [String: Any])?["node"] as? String == "gw-2", "\(shown.stdout)")
            #expect((object["sessions"] as? [Any])?.count == 1 && ((object["events"] as? [Any])?.count ?? 0) > 3, "\(shown.stdout)")

            // search: the text of both nodes' sessions, each with its node.
            var hits: [AuditRow] = []
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                hits = try await audit(scene, onSecond: true, ["search", "\(mark) from"])
                if hits.count == 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(Set(hits.compactMap { $0["node"] }) == ["gw-1", "gw-2"], "\(hits)")
            // The command line is the session's first line with the text, as on a node's own trail.
            let hit = hits.first { $0["node"] == "gw-2" }
            #expect(hit?["line"] == "echo \(mark) from two" && hit?["source"] == "command"
                    && hit?["context_after"] == "\(mark) from two" && hit?["matching_lines"] == "2", "\(hits)")
        }

        @Test func filesAndReplayReachAnotherNodesUploadAndRecording() async throws {
            let scene = try SharedClusterPair.current()
            let check = try await scene.second.run(["config", "check"])
            #expect(check.stdout.contains("; recordings in \(scene.sharedRecordingsDirectory)/gw-2 (shared)"), "\(check)")
            let mark = mark()
            let sessions = try await sessionOnEachNode(scene, mark: mark)

            // replay on gw-1 of gw-2's recording: found through PostgreSQL, read from the share.
            let sessionID = try #require(sessions.second["session_id"])
            let path = try #require(sessions.second["recording_path"])
            #expect(path.hasPrefix(scene.sharedRecordingsDirectory + "/gw-2/"), "\(path)")
            let replay = try await scene.first.gateway.run(["replay", "--cat", sessionID])
            #expect(replay.succeeded && replay.stdout.contains("\(mark) from two"), "\(replay)")

            // A recording the cluster knows but this node cannot read: one line, exit 1.
            let moved = path + ".moved"
            try FileManager.default.moveItem(atPath: path, toPath: moved)
            let missing = try await scene.first.gateway.run(["replay", "--cat", sessionID])
            try FileManager.default.moveItem(atPath: moved, toPath: path)
            #expect(missing.status == 1 && missing.stderr.contains("written by node gw-2") && missing.stdout.isEmpty, "\(missing)")

            // files: an upload through gw-2, listed on gw-1 with its node, by digest and by path glob.
            let workspace = try TemporaryDirectory(prefix: "tracegate-cluster-files")
            let remote = try workspace.subdirectory("remote")
            let original = workspace.file("up.bin")
            try RandomFile.write(original, byteCount: 64 * 1024 + 3)
            let digest = try await FileDigest.sha256(original)
            let client = try scene.onSecond("alice", target: "web-01")
            let upload = try await client.scp([original], client.remote(remote + "/\(mark).bin"))
            try #require(upload.succeeded, "\(upload)")
            var files: [AuditRow] = []
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                files = try await audit(scene, ["files", "--sha256", digest])
                if !files.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(files.count == 1 && files.first?["node"] == "gw-2" && files.first?["operation"] == "upload"
                    && files.first?["path"] == remote + "/\(mark).bin" && files.first?["bytes"] == "\(64 * 1024 + 3)", "\(files)")
            let byGlob = try await audit(scene, ["files", "--path", "*/\(mark).b?n"])
            #expect(byGlob.map { $0["sha256"] } == [digest], "\(byGlob)")
            #expect(try await audit(scene, ["files", "--path", "*/\(mark).txt"]).isEmpty)
        }

        @Test func aBreakGlassReviewOpenedAndClosedOnNodeTwoIsListedOnNodeOneWithItsLatestState() async throws {
            let scene = try SharedClusterPair.current()
            let reason = "web-05 down, INC-\(Int.random(in: 1000...9999))"
            let entered = try await scene.onSecond("bob", target: "web-05").ssh(
                "echo glass-$((1+1))", options: ["-o", "SetEnv=TRACEGATE_BREAK_GLASS=\"\(reason)\""])
            try #require(entered.succeeded && entered.stdout == "glass-2\n", "\(entered)\n\(scene.logTails)")
            let range = try #require(entered.stderr.range(of: #"review (b-[0-9a-f]+) is open"#, options: .regularExpression),
                                     "\(entered.stderr)")
            let id = String(entered.stderr[range].dropFirst("review ".count).prefix { $0 != " " })

            var open: [AuditRow] = []
            var deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                open = try await audit(scene, ["reviews", "--open"]).filter { $0["review_id"] == id }
                if !open.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(open.count == 1 && open.first?["node"] == "gw-2" && open.first?["reason"] == reason
                    && open.first?["user"] == "bob", "\(open)")

            // Reviewed from another connection of gw-2: the item's row changes, and PostgreSQL follows.
            let reviewed = try await scene.onSecond("alice").ssh("review \(id) --accept \"seen it\"")
            try #require(reviewed.succeeded && reviewed.stdout.contains("accepted \(id)"), "\(reviewed)")
            var all: [AuditRow] = []
            deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                all = try await audit(scene, ["reviews"]).filter { $0["review_id"] == id }
                if all.first?["result"] == "accepted" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(all.count == 1 && all.first?["result"] == "accepted" && all.first?["reviewed_by"] == "alice"
                    && all.first?["review_note"] == "seen it", "\(all)")
            #expect(try await audit(scene, ["reviews", "--open"]).allSatisfy { $0["review_id"] != id })
        }

        @Test func nodesShippingIntoAnOlderSchemaShipTheirRowsOnceItIsMigrated() async throws {
            let scene = try SharedClusterPair.current()
            // The database as an older tracegate left it: no listings (migrations 0006 and later undone);
            // gw-2 starts on it (an upgraded node, before `cluster migrate`), gw-1 finds out
            // when its next batch fails.
            _ = await scene.second.stop()
            _ = try await scene.postgres.query("""
                DROP VIEW connection_summary, session_summary, review_summary;
                DROP TABLE connections, sessions, file_transfers, reviews, session_lines, listings_shipped, penalties;
                DELETE FROM schema_migrations WHERE version >= 6
                """, database: ClusterPairScene.database)
            try await scene.second.start()
            let mark = mark()
            let one = try await scene.onFirst("alice", target: "web-01").ssh("echo \(mark) before migrate")
            try #require(one.succeeded, "\(one)")
            let two = try await scene.onSecond("alice", target: "web-01").ssh("echo \(mark) on two")
            try #require(two.succeeded, "\(two)")

            // Events still ship; the listings say what to run.
            var events: [AuditRow] = []
            var deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                events = try await audit(scene, ["events", "--kind", "channel.open", "--limit", "20"])
                if events.contains(where: { $0.json("details", "command") == "echo \(mark) before migrate" }) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(events.contains { $0.json("details", "command") == "echo \(mark) before migrate" && $0["node"] == "gw-1" },
                    "\(events)\n\(scene.logTails)")
            let refused = try await scene.first.gateway.run(["audit", "connections"])
            #expect(refused.status == 2 && refused.stderr.contains("run `tracegate cluster migrate`"), "\(refused)")

            // After `cluster migrate`, both running nodes ship their rows, old ones included.
            let migrate = try await scene.first.gateway.run(["cluster", "migrate"])
            try #require(migrate.succeeded, "\(migrate)")
            let local = try await scene.secondAuditDatabase.query("SELECT id FROM sessions").count
            var sessions: [AuditRow] = []
            deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                sessions = try await audit(scene, ["sessions", "--limit", "0"])
                if sessions.contains(where: { $0["command"] == "echo \(mark) before migrate" && $0["closed_at"] != nil }),
                   sessions.filter({ $0["node"] == "gw-2" }).count == local { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(sessions.first { $0["command"] == "echo \(mark) before migrate" }?["node"] == "gw-1", "\(sessions)\n\(scene.logTails)")
            #expect(local > 0 && sessions.filter { $0["node"] == "gw-2" }.count == local, "gw-2 has \(local) sessions: \(sessions)")
        }

        @Test func aNodeThatShipsItsRowsAgainAddsNoDuplicateAndKeepsTheLatestState() async throws {
            let scene = try SharedClusterPair.current()
            let mark = mark()
            let sessions = try await sessionOnEachNode(scene, mark: mark)
            let connection = try #require(sessions.second["connection_id"])
            let eventsBefore = try await audit(scene, ["events", "--connection", connection, "--limit", "0"]).count

            // As if gw-2 had shipped its events before the listings existed: its other session rows
            // are gone, this one holds an earlier state (still open), and its mark is back at 0, so
            // on restart it ships everything again.
            let sessionID = try #require(sessions.second["session_id"])
            _ = await scene.second.stop()
            _ = try await scene.postgres.query("""
                DELETE FROM sessions WHERE node = 'gw-2' AND id <> '\(sessionID)';
                UPDATE sessions SET closed_at = NULL, exit_status = NULL, result = NULL WHERE node = 'gw-2' AND id = '\(sessionID)';
                UPDATE listings_shipped SET shipped_id = 0 WHERE node = 'gw-2'
                """, database: ClusterPairScene.database)
            try await scene.second.start()
            let localSessions = try await scene.secondAuditDatabase.query("SELECT id FROM sessions").count
            var shipped = 0
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                shipped = Int(try await scene.postgres.query(
                    "SELECT count(*) FROM sessions WHERE node = 'gw-2'", database: ClusterPairScene.database).first ?? "0") ?? 0
                if shipped >= localSessions { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(shipped >= localSessions && localSessions > 0, "gw-2 shipped \(shipped) of its \(localSessions) sessions again\n\(scene.logTails)")

            let listed = try await audit(scene, ["sessions", "--limit", "0"])
            let ids = listed.compactMap { $0["session_id"] }
            #expect(ids.count == Set(ids).count, "a session listed twice")
            // The later state replaced the earlier one.
            let again = listed.first { $0["session_id"] == sessionID }
            #expect(again?["node"] == "gw-2" && again?["closed_at"] == sessions.second["closed_at"]
                    && again?["exit_status"] == "0" && again?["result"] == "ok", "\(String(describing: again))")
            let connections = try await audit(scene, ["connections", "--limit", "0"]).compactMap { $0["connection_id"] }
            #expect(connections.count == Set(connections).count, "a connection listed twice")
            #expect(try await audit(scene, ["events", "--connection", connection, "--limit", "0"]).count == eventsBefore)
            let verify = try await scene.first.gateway.run(["audit", "verify"])
            #expect(verify.succeeded && verify.stdout.contains("node gw-2: OK"), "\(verify)")
        }
    }
}
