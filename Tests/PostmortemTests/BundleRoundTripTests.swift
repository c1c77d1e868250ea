import Audit
import Crypto
import Foundation
import Postmortem
import Testing
import TestSupport

/// A bundle written from a real SQLite trail, verified, then tampered with in the ways a
/// party trimming or editing evidence would, each of which verify must name.
struct BundleRoundTripTests {
    struct Trail {
        let directory: TemporaryDirectory
        let store: AuditStore
        var path: String { directory.file("state/audit.db") }
    }

    static func connection(_ id: String, user: String, org: String, target: String, ticket: String?, denied: Bool = false,
                           recording: (path: String, sha: String)? = nil, at start: Double) -> [AuditEvent] {
        let context = AuditContext(connectionID: id, sourceAddress: "127.0.0.1", sourcePort: 40_000, user: user,
                                   organization: org, target: target, targetOwner: "retailer", login: "deploy", ticket: ticket)
        var events: [AuditEvent] = [.connectionOpen(AuditContext(connectionID: id, sourceAddress: "127.0.0.1", sourcePort: 40_000))]
        if denied {
            events.append(.accessDecision(context, result: .denied, reason: "no grant"))
        } else {
            let session = "s" + id.dropFirst()
            events.append(.accessDecision(context, result: .allowed, grant: "g"))
            events.append(.channelOpen(context, sessionID: session, channel: ChannelDescription(
                type: recording == nil ? .exec : .shell, command: recording == nil ? "false" : nil, recordingPath: recording?.path)))
            events.append(.sessionClose(context, sessionID: session, outcome: SessionEnd(
                exitStatus: recording == nil ? 1 : 0, recordingPath: recording?.path, recordingSize: 10, recordingSHA256: recording?.sha)))
        }
        events.append(.connectionClose(context, reason: .clientQuit))
        return events.enumerated().map { index, event in
            var event = event
            event.time = AuditTimestamp(secondsSinceEpoch: start + Double(index))
            return event
        }
    }

    static func makeTrail() throws -> Trail {
        let directory = try TemporaryDirectory(prefix: "tracegate-bundle")
        let store = try AuditStore.open(path: directory.file("state/audit.db"))
        let recordings = try directory.subdirectory("state/recordings")
        let cast = "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"hello\\r\\n\"]\n"
        try Data(cast.utf8).write(to: URL(fileURLWithPath: recordings + "/c-000000000002-s-000000000002.cast"))
        let sha = SHA256Hex.of(Data(cast.utf8))
        let writer = store.makeWriter()
        let base = 1_765_000_000.0
        for event in connection("c-000000000001", user: "bob", org: "provider", target: "web-01", ticket: "INC-42", at: base)
            + connection("c-000000000009", user: "carol", org: "retailer", target: "web-01", ticket: "INC-7", at: base + 5)
            + connection("c-000000000002", user: "alice", org: "retailer", target: "db-01", ticket: "INC-42",
                         recording: (recordings + "/c-000000000002-s-000000000002.cast", sha), at: base + 10)
            + connection("c-000000000003", user: "bob", org: "provider", target: "db-01", ticket: "INC-42", denied: true, at: base + 20)
            + connection("c-000000000008", user: "carol", org: "retailer", target: "web-02", ticket: nil, at: base + 30) {
            writer.record(event)
        }
        _ = writer.close()
        return Trail(directory: directory, store: store)
    }

    static func export(_ trail: Trail, ticket: String = "INC-42", lanes: BundleWriter.LaneKey = .target) throws -> (String, BundleManifest) {
        let destination = trail.directory.file("bundle")
        let bundleID = UUID().uuidString
        try trail.store.recordQuery(by: AuditInvoker(name: "auditor", uid: 1000), command: "bundle",
                                    filter: ["bundle_id": .string(bundleID)])
        var writer = BundleWriter(store: trail.store, selection: BundleSelection(ticket: ticket), destination: destination,
                                  stateDirectory: trail.directory.file("state"), invoker: AuditInvoker(name: "auditor", uid: 1000),
                                  bundleID: bundleID)
        writer.lanes = lanes
        let result = try writer.write()
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        return (destination, result.manifest)
    }

    @Test func aTicketsBundleHoldsItsConnectionsSessionsEventsAndRecordingAndVerifies() throws {
        let trail = try Self.makeTrail()
        let (bundle, manifest) = try Self.export(trail)
        #expect(manifest.counts.connections == 3)
        #expect(manifest.counts.sessions == 2)
        #expect(manifest.counts.denials == 1)
        // 4 + 5 + 3 events of the three connections, and the export's own audit.query.
        #expect(manifest.counts.events == 5 + 5 + 3 + 1)
        #expect(manifest.exportedBy.event != nil)
        #expect(manifest.recordings.count == 1 && manifest.recordings[0].path != nil)
        let files = Set(manifest.files.map(\.path))
        #expect(files.isSuperset(of: ["index.html", "timeline.svg", "sessions.csv", "connections.csv", "events.jsonl",
                                      "recordings/c-000000000002-s-000000000002.cast"]))
        // The trail has a file ledger (migration 0011) with no row for this selection: the header alone.
        #expect(files.contains("files.csv"))
        let outcome = BundleVerifier(directory: bundle, expectedHead: manifest.auditHead.hash, against: trail.store).verify()
        #expect(outcome.problems == [], "\(outcome.problems)")
        let wrongHead = BundleVerifier(directory: bundle, expectedHead: String(repeating: "0", count: 64)).verify()
        #expect(wrongHead.problems.count == 1 && wrongHead.problems[0].contains("is not the expected head"), "\(wrongHead.problems)")
    }

    @Test func lanesArePerTargetOrPerEngineer() throws {
        // The trails own their temporary directories: kept alive while their bundles are read.
        let first = try Self.makeTrail(), second = try Self.makeTrail()
        let byTarget = try Self.export(first)
        let svg = try String(contentsOfFile: byTarget.0 + "/timeline.svg", encoding: .utf8)
        #expect(svg.contains(">web-01</text>") && svg.contains(">db-01</text>") && !svg.contains(">carol</text>"))
        let byUser = try Self.export(second, lanes: .user)
        let lanes = try String(contentsOfFile: byUser.0 + "/timeline.svg", encoding: .utf8)
        #expect(lanes.contains(">alice</text>") && lanes.contains(">bob</text>") && !lanes.contains(">web-01</text>"))
        #expect(!lanes.contains(">carol</text>"), "carol worked on another ticket")
    }

    @Test func aDeletedEventLineIsNamedAndTheTrailShowsItMissing() throws {
        let trail = try Self.makeTrail()
        let (bundle, manifest) = try Self.export(trail)
        let path = bundle + "/events.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let index = try #require(lines.firstIndex { $0.contains("\"access.decision\"") && $0.contains("denied") })
        let removedID = try #require(ChainProofCodingProbe.id(of: lines[index]))
        lines.remove(at: index)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let outcome = BundleVerifier(directory: bundle, against: trail.store).verify()
        #expect(outcome.problems.contains { $0.contains("events.jsonl does not match the manifest") }, "\(outcome.problems)")
        #expect(outcome.problems.contains { $0.contains("event \(removedID) is missing") }, "\(outcome.problems)")
        #expect(outcome.problems.contains { $0.contains("event \(removedID) matches the selection") }, "\(outcome.problems)")
        _ = manifest
    }

    @Test func anEditedEventADroppedRowAndAChangedRecordingAreEachNamed() throws {
        let trail = try Self.makeTrail()
        let (bundle, _) = try Self.export(trail)
        // Edit: the exit status of the failed exec becomes 0, hash left as it was.
        let events = bundle + "/events.jsonl"
        let text = try String(contentsOfFile: events, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\\\"exit_status\\\":1", with: "\\\"exit_status\\\":0").utf8)
            .write(to: URL(fileURLWithPath: events))
        // Drop bob's session row.
        let sessions = bundle + "/sessions.csv"
        let rows = try String(contentsOfFile: sessions, encoding: .utf8).split(separator: "\n")
        try Data((rows.filter { !$0.hasPrefix("s-000000000001") }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: sessions))
        // One byte of the recording.
        let cast = bundle + "/recordings/c-000000000002-s-000000000002.cast"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cast))
        bytes[bytes.count - 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: cast))

        let problems = BundleVerifier(directory: bundle).verify().problems
        #expect(problems.contains { $0.contains("(session.close) does not match its hash") }, "\(problems)")
        #expect(problems.contains { $0.contains("sessions.csv has no row for session s-000000000001") }, "\(problems)")
        #expect(problems.contains { $0.contains("recording of session s-000000000002 does not match the SHA-256") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("recordings/c-000000000002-s-000000000002.cast does not match the manifest") }, "\(problems)")
    }
}

enum ChainProofCodingProbe {
    static func id(of line: Substring) -> Int64? {
        try? ChainProofCoding.decode(line).id
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String {
        var hasher = Crypto.SHA256()
        hasher.update(data: data)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
