import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate audit bundle` on a cluster: one ticket worked through both nodes, exported on
    /// gw-1 from PostgreSQL with both nodes' sessions, events (each node's chain proved to its
    /// own head) and recordings (read from the shared `cluster.recordings`), then verified and
    /// tampered with in gw-2's part.
    @Suite(.clusterPairSharingRecordings, .serialized, .timeLimit(.minutes(5)))
    struct ClusterBundleTests {
        private func ticket() -> String { "INC-\(Int.random(in: 100_000...999_999))" }

        /// `echo MARK from one|two` through each node under `ticket`, then waits until PostgreSQL
        /// lists the ticket's sessions (`expecting`, with any made before) closed: their close
        /// events, with the recordings' hashes, shipped.
        private func sessionOnEachNode(_ scene: ClusterPairScene, ticket: String, mark: String,
                                       expecting: Int = 2) async throws -> [AuditRow] {
            let withTicket = ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"]
            let one = try await scene.onFirst("alice", target: "web-01").ssh("echo \(mark) from one", options: withTicket)
            try #require(one.succeeded && one.stdout == "\(mark) from one\n", "\(one)")
            let two = try await scene.onSecond("alice", target: "web-01").ssh("echo \(mark) from two", options: withTicket)
            try #require(two.succeeded && two.stdout == "\(mark) from two\n", "\(two)")
            // Another ticket's work on gw-2 stays out of the bundle.
            let other = try await scene.onSecond("alice", target: "web-01").ssh(
                "echo \(mark) other", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(self.ticket())"])
            try #require(other.succeeded, "\(other)")
            let deadline = ContinuousClock.now + .seconds(20)
            var rows: [AuditRow] = []
            while ContinuousClock.now < deadline {
                let result = try await scene.first.gateway.run(["audit", "sessions", "--ticket", ticket, "--format", "json"])
                try #require(result.succeeded, "\(result)")
                rows = try AuditJSON.lines(result.stdout)
                let closed = rows.allSatisfy { $0["closed_at"] != nil && ($0["recording_path"] == nil || $0["recording_sha256"] != nil) }
                if rows.count == expecting, closed { return rows }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("PostgreSQL never listed both closed sessions of \(ticket): \(rows)\n\(scene.logTails)")
            throw CancellationError()
        }

        private func verify(_ scene: ClusterPairScene, _ bundle: String, _ options: [String] = []) async throws -> ProcessResult {
            try await ProcessRunner().run(scene.first.gateway.binary, ["audit", "bundle", "verify", bundle] + options,
                                          timeout: .seconds(60))
        }

        private func manifest(_ bundle: String) throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        @Test func aTicketWorkedOnBothNodesIsBundledOnOneWithEachNodesProofAndRecording() async throws {
            let scene = try SharedClusterPair.current()
            let ticket = ticket()
            let mark = "bundle" + UUID().uuidString.prefix(8).lowercased()
            let work = try TemporaryDirectory(prefix: "tracegate-cluster-bundle")
            // A file copied up through gw-2 under the ticket: its ledger row is gw-2's.
            let upload = work.file("up.bin")
            try RandomFile.write(upload, byteCount: 4096)
            let digest = try await FileDigest.sha256(upload)
            let client = try scene.onSecond("alice", target: "web-01")
            let remote = try work.subdirectory("remote")
            let copy = try await client.scp([upload], client.remote(remote + "/\(mark).bin"),
                                            options: ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"])
            try #require(copy.succeeded, "\(copy)")
            var shipped: [String] = []
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                shipped = try await scene.postgres.query(
                    "SELECT node FROM file_transfers WHERE sha256 = '\(digest)'", database: ClusterPairScene.database)
                if !shipped.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(shipped == ["gw-2"], "\(shipped)\n\(scene.logTails)")
            let sessions = try await sessionOnEachNode(scene, ticket: ticket, mark: mark, expecting: 3)
            #expect(Set(sessions.compactMap { $0["node"] }) == ["gw-1", "gw-2"], "\(sessions)")

            let bundle = work.file("bundle")
            let export = try await scene.first.gateway.run(["audit", "bundle", "--ticket", ticket, "-o", bundle], timeout: .seconds(90))
            try #require(export.succeeded, "\(export)\n\(scene.logTails)")
            #expect(export.stdout.contains("3 connections, 3 sessions")
                    && export.stdout.contains("head gw-1 ") && export.stdout.contains("head gw-2 "), "\(export)")
            let files = try String(contentsOfFile: bundle + "/files.csv", encoding: .utf8).split(separator: "\n")
            #expect(files.first?.hasPrefix("node,") == true && files.count == 2 && files.last?.hasPrefix("gw-2,") == true
                    && files.last?.contains(digest) == true && files.last?.contains("/\(mark).bin") == true, "\(files)")

            // Both nodes' rows, each with its node; the other ticket's session is not there.
            let sessionsCSV = try String(contentsOfFile: bundle + "/sessions.csv", encoding: .utf8)
            #expect(sessionsCSV.hasPrefix("node,session_id,"), "\(sessionsCSV)")
            for row in sessions {
                let id = try #require(row["session_id"])
                #expect(sessionsCSV.contains("\(row["node"] ?? "?"),\(id),"), "\(id) not in \(sessionsCSV)")
            }
            #expect(!sessionsCSV.contains("\(mark) other"), "\(sessionsCSV)")

            // Events: each node's channel.open, its lines marked with the node.
            let events = try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n")
            let secondOpen = events.first { $0.contains("\(mark) from two") && $0.contains("channel.open") }
            #expect(secondOpen?.hasPrefix("{\"node\":\"gw-2\",\"id\":") == true, "\(String(describing: secondOpen))")
            let firstOpen = events.first { $0.contains("\(mark) from one") && $0.contains("channel.open") }
            #expect(firstOpen?.hasPrefix("{\"node\":\"gw-1\",\"id\":") == true, "\(String(describing: firstOpen))")
            #expect(!events.contains { $0.contains("\(mark) other") })

            // Recordings: both copied from the share, each the node's file byte for byte.
            let manifest = try manifest(bundle)
            let recordings = try #require(manifest["recordings"] as? [[String: Any]])
            #expect(Set(recordings.compactMap { $0["node"] as? String }) == ["gw-1", "gw-2"], "\(recordings)")
            for recording in recordings {
                let path = try #require(recording["path"] as? String, "\(recording)")
                let source = try #require(recording["source"] as? String)
                #expect(try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + path)) == Data(contentsOf: URL(fileURLWithPath: source)))
            }
            let copied = try FileManager.default.contentsOfDirectory(atPath: bundle + "/recordings")
            let text = try copied.map { try String(contentsOfFile: bundle + "/recordings/" + $0, encoding: .utf8) }.joined()
            #expect(text.contains("\(mark) from one") && text.contains("\(mark) from two"), "\(copied)")

            // The page: each session with its node and its own node's recording.
            let page = try String(contentsOfFile: bundle + "/index.html", encoding: .utf8)
            let secondSession = try #require(sessions.first { $0["command"] == "echo \(mark) from two" }?["session_id"])
            let secondRow = page.split(separator: "\n").first { $0.contains("<tr id=\"session-\(secondSession)\">") }
            #expect(page.contains("<th>Node</th><th>Session</th>")
                    && secondRow?.contains("<td>gw-2</td><td><code>\(secondSession)</code>") == true
                    && secondRow?.contains("<a href=\"recordings/") == true, "\(String(describing: secondRow))")

            // The heads, as PostgreSQL has them: the recipient's own copy of each node's chain.
            let heads = try #require(manifest["heads"] as? [String: [String: Any]], "\(manifest)")
            let secondHead = try #require((heads["gw-2"]?["id"] as? NSNumber)?.int64Value)
            let secondHash = try await scene.postgres.query(
                "SELECT hash FROM events WHERE node = 'gw-2' AND id = \(secondHead)", database: ClusterPairScene.database).first
            let good = try await verify(scene, bundle, ["--expect", "gw-2=\(secondHash ?? "?")"])
            #expect(good.status == 0 && good.stdout.contains("OK bundle") && good.stdout.contains("node gw-2: ")
                    && good.stdout.contains("head of node gw-2 matches"), "\(good)")
            let wrong = try await verify(scene, bundle, ["--expect", "gw-2=" + String(repeating: "ab", count: 32)])
            #expect(wrong.status == 1 && wrong.stdout.contains("head of node gw-2 (event \(secondHead)"), "\(wrong)")

            // One byte of gw-2's part changed: the edited event is named, with its node.
            let tampered = work.file("tampered")
            try FileManager.default.copyItem(atPath: bundle, toPath: tampered)
            let original = try String(contentsOfFile: tampered + "/events.jsonl", encoding: .utf8)
            let edited = original.replacingOccurrences(of: "\(mark) from two", with: "\(mark) from twO")
            #expect(edited != original)
            try edited.write(toFile: tampered + "/events.jsonl", atomically: true, encoding: .utf8)
            let failed = try await verify(scene, tampered)
            #expect(failed.status == 1 && failed.stdout.contains("FAILED events.jsonl does not match the manifest")
                    && failed.stdout.contains("FAILED node gw-2: events.jsonl line ")
                    && failed.stdout.contains("(channel.open) does not match its hash: it was edited")
                    && !failed.stdout.contains("node gw-1: events.jsonl line"), "\(failed)")
        }

        @Test func aRecordingTheExportingNodeCannotReadIsListedAsMissingWithOneLine() async throws {
            let scene = try SharedClusterPair.current()
            let ticket = ticket()
            let mark = "gone" + UUID().uuidString.prefix(8).lowercased()
            let sessions = try await sessionOnEachNode(scene, ticket: ticket, mark: mark)
            let second = try #require(sessions.first { $0["node"] == "gw-2" })
            let path = try #require(second["recording_path"])
            let moved = path + ".moved"
            try FileManager.default.moveItem(atPath: path, toPath: moved)
            defer { try? FileManager.default.moveItem(atPath: moved, toPath: path) }

            let work = try TemporaryDirectory(prefix: "tracegate-cluster-bundle")
            let bundle = work.file("bundle")
            let export = try await scene.first.gateway.run(["audit", "bundle", "--ticket", ticket, "-o", bundle], timeout: .seconds(90))
            try #require(export.succeeded, "\(export)")
            let warnings = export.stderr.split(separator: "\n").filter { $0.contains("warning:") }
            #expect(warnings == ["tracegate: warning: recording of session \(second["session_id"] ?? "?") is missing: \(path)"],
                    "\(export)")
            let recordings = try #require(try manifest(bundle)["recordings"] as? [[String: Any]])
            let entry = recordings.first { $0["session"] as? String == second["session_id"] }
            #expect(entry?["node"] as? String == "gw-2" && entry?["path"] == nil && entry?["source"] as? String == path, "\(recordings)")
            // verify names the gap: the close event vouches for a recording the bundle lacks.
            let verified = try await verify(scene, bundle)
            #expect(verified.status == 1 && verified.stdout.contains("recording of session \(second["session_id"] ?? "?")")
                    && verified.stdout.contains("is not in the bundle"), "\(verified)")
        }
    }
}
