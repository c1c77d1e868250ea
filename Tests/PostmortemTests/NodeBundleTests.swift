import Audit
import Foundation
import Postmortem
import Testing
import TestSupport

/// A cluster's bundle, without PostgreSQL: two SQLite trails stand for nodes `a` and `b`
/// behind a `BundleSource`, as the PostgreSQL source serves every node's chain. The writer
/// and the verifier see only the source, so what they do with nodes is checked here.
struct NodeBundleTests {
    /// Each trail as one node: its lines and rows marked with the node, its head in `nodeHeads`.
    struct TwoNodeSource: BundleSource {
        var nodes: [(name: String, trail: BundleRoundTripTests.Trail)]
        /// Nodes whose recordings this reader cannot reach (no shared directory).
        var unreachable: Set<String> = []

        func bundleExtract(
            _ selection: BundleSelection, exportMarker: String?, progress: ((Int64, Int64) -> Void)?,
            emit: (_ node: String?, _ line: ChainProofLine) throws -> Void
        ) throws(AuditError) -> BundleExtract {
            var merged: BundleExtract?
            var heads: [String: ChainHead] = [:]
            var nodesOfEvents: [String] = []
            for (index, node) in nodes.enumerated() {
                // The export's own event is in the first node's chain only.
                var part = try node.trail.store.bundleExtract(selection, exportMarker: index == 0 ? exportMarker : nil) { line in
                    try emit(node.name, line)
                }
                heads[node.name] = part.head
                nodesOfEvents += part.events.map { _ in node.name }
                let marked = { (record: AuditRecord) in
                    AuditRecord(columns: ["node"] + record.columns, values: [.string(node.name)] + record.values)
                }
                part.connections = part.connections.map(marked)
                part.sessions = part.sessions.map(marked)
                part.fileTransfers = part.fileTransfers?.map(marked)
                if var whole = merged {
                    whole.connections += part.connections
                    whole.sessions += part.sessions
                    whole.fileTransfers = (whole.fileTransfers ?? []) + (part.fileTransfers ?? [])
                    whole.events += part.events
                    whole.links += part.links
                    merged = whole
                } else {
                    merged = part
                }
            }
            guard var extract = merged else { throw .queryFailed(reason: "no node") }
            extract.eventNodes = nodesOfEvents
            extract.nodeHeads = heads
            extract.exportNode = nodes.first?.name
            return extract
        }

        func recordingFile(path: String, node: String?) -> String? {
            guard let trail = nodes.first(where: { $0.name == node })?.trail, !unreachable.contains(node ?? "")
            else { return nil }
            return path.hasPrefix("/") ? path : trail.directory.file("state") + "/" + path
        }
    }

    private func export(unreachable: Set<String> = []) throws -> (bundle: String, manifest: BundleManifest, work: TemporaryDirectory) {
        let (bundle, result, work) = try write(unreachable: unreachable)
        // The recording names an absolute path in each trail's directory: both nodes' copies are found.
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        return (bundle, result.manifest, work)
    }

    private func write(unreachable: Set<String>) throws -> (bundle: String, result: BundleWriter.Result, work: TemporaryDirectory) {
        let a = try BundleRoundTripTests.makeTrail()
        let b = try BundleRoundTripTests.makeTrail()
        // The second node's chain one event longer, so that its head differs from the first's.
        try b.store.recordQuery(by: AuditInvoker(name: "auditor", uid: 1000), command: "events", filter: [:])
        let bundleID = UUID().uuidString
        try a.store.recordQuery(by: AuditInvoker(name: "auditor", uid: 1000), command: "bundle", filter: ["bundle_id": .string(bundleID)])
        let work = try TemporaryDirectory(prefix: "tracegate-node-bundle")
        let destination = work.file("bundle")
        let source = TwoNodeSource(nodes: [("a", a), ("b", b)], unreachable: unreachable)
        let writer = BundleWriter(source: source, selection: BundleSelection(ticket: "INC-42"), destination: destination,
                                  invoker: AuditInvoker(name: "auditor", uid: 1000), bundleID: bundleID)
        return (destination, try writer.write(), work)
    }

    @Test func aRecordingOutOfReachIsListedAsMissingWithItsNodeAndOneLine() throws {
        let (bundle, result, work) = try write(unreachable: ["b"])
        defer { withExtendedLifetime(work) {} }
        let missing = try #require(result.manifest.recordings.first { $0.node == "b" })
        #expect(missing.path == nil && missing.sha256 != nil)
        #expect(result.warnings == ["recording of session \(missing.session) is missing: node b wrote it at \(missing.source), "
                                    + "which this node cannot read (cluster.recordings is not shared)"], "\(result.warnings)")
        #expect(result.manifest.recordings.first { $0.node == "a" }?.path != nil)
        let problems = BundleVerifier(directory: bundle).verify().problems
        #expect(problems.contains { $0.hasPrefix("recording of session \(missing.session) ") && $0.hasSuffix("is not in the bundle") },
                "\(problems)")
    }

    @Test func eachNodesProofIsWalkedToItsOwnHead() throws {
        let (bundle, manifest, work) = try export()
        defer { withExtendedLifetime(work) {} }
        #expect(manifest.heads?.keys.sorted() == ["a", "b"])
        #expect(manifest.heads?["b"]?.hash != manifest.heads?["a"]?.hash && manifest.exportedBy.node == "a")
        #expect(manifest.auditHead == manifest.heads?["a"])
        #expect(manifest.recordings.map(\.node) == ["a", "b"], "\(manifest.recordings)")
        let csv = try String(contentsOfFile: bundle + "/sessions.csv", encoding: .utf8)
        #expect(csv.hasPrefix("node,session_id,"), "\(csv)")
        let outcome = BundleVerifier(directory: bundle).verify()
        #expect(outcome.problems == [])
        #expect(outcome.notes.contains { $0.hasPrefix("node a: ") } && outcome.notes.contains { $0.hasPrefix("node b: ") }, "\(outcome.notes)")
        let lines = try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("{\"node\":\"a\",") || $0.hasPrefix("{\"node\":\"b\",") })
    }

    @Test func anEditedEventIsNamedWithItsNodeAndTheOtherNodeStaysIntact() throws {
        let (bundle, _, work) = try export()
        defer { withExtendedLifetime(work) {} }
        let path = bundle + "/events.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("{\"node\":\"b\",") && $0.contains("\"kind\":\"channel.open\"") })
        let original = lines[index]
        lines[index] = original.replacingOccurrences(of: "\"time\":\"20", with: "\"time\":\"21")
        #expect(lines[index] != original)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let problems = BundleVerifier(directory: bundle).verify().problems
        #expect(problems.contains { $0.hasPrefix("node b: events.jsonl line \(index + 1): ")
                                    && $0.hasSuffix("does not match its hash: it was edited") },
                "\(problems)")
        #expect(!problems.contains { $0.hasPrefix("node a: ") }, "\(problems)")
    }

    @Test func aNodesMissingPartAndALineOfAnUnknownNodeAreNamed() throws {
        let (bundle, _, work) = try export()
        defer { withExtendedLifetime(work) {} }
        let path = bundle + "/events.jsonl"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let edited = lines.filter { !$0.hasPrefix("{\"node\":\"b\",") }
            .map { $0.replacingOccurrences(of: "{\"node\":\"a\",", with: "{\"node\":\"c\",") }
        try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let problems = BundleVerifier(directory: bundle).verify().problems
        #expect(problems.contains("events.jsonl holds lines of node c, which has no head in the manifest"), "\(problems)")
        #expect(problems.contains("events.jsonl has no line of node b, whose head the manifest names"), "\(problems)")
        #expect(problems.contains("events.jsonl has no line of node a, whose head the manifest names"), "\(problems)")
    }

    @Test func expectedHeadsAreCheckedPerNodeAndATrailCannotStandForSeveralNodes() throws {
        let (bundle, manifest, work) = try export()
        defer { withExtendedLifetime(work) {} }
        let headB = try #require(manifest.heads?["b"])
        var verifier = BundleVerifier(directory: bundle)
        verifier.expectedNodeHeads = ["b": headB.hash]
        #expect(verifier.verify().problems == [])
        verifier.expectedNodeHeads = ["b": String(repeating: "0", count: 64), "z": headB.hash]
        let problems = verifier.verify().problems
        #expect(problems.contains { $0.hasPrefix("the bundle's head of node b (event \(headB.id), ") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("the bundle has no head for node z") }, "\(problems)")
        // audit_head, which --expect HASH compares, must be the exporting node's walked head.
        let manifestPath = bundle + "/manifest.json"
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        // Keys are sorted: the first occurrence of the hash is audit_head's, not heads.a's.
        var forged = text
        let range = try #require(forged.range(of: manifest.auditHead.hash))
        forged.replaceSubrange(range, with: String(repeating: "c", count: 64))
        try forged.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let forgedHead = BundleVerifier(directory: bundle, expectedHead: String(repeating: "c", count: 64))
        #expect(forgedHead.verify().problems.contains {
            $0.hasPrefix("manifest.json: audit_head (event \(manifest.auditHead.id)) is not the head of the exporting node a")
        })
        try text.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let trail = try BundleRoundTripTests.makeTrail()
        let against = BundleVerifier(directory: bundle, against: trail.store).verify().problems
        #expect(against.contains { $0.hasPrefix("this bundle holds several nodes' chains") }, "\(against)")
    }

    @Test func aLineWithItsNodeDecodesToTheSameProof() throws {
        let event = ChainProofLine.link(ChainLink(event: StoredEvent(texts: ["7", "2026-01-01T00:00:00.000000Z", "audit.query"])))
        let line = ChainProofCoding.line(event, node: "gw-\"2")
        #expect(line.hasPrefix("{\"node\":\"gw-\\\"2\",\"id\":7,"), "\(line)")
        let decoded = try ChainProofCoding.decodeWithNode(Substring(line))
        #expect(decoded.node == "gw-\"2" && decoded.line == event)
        #expect(try ChainProofCoding.decodeWithNode(Substring(ChainProofCoding.line(event))).node == nil)
        for bad in ["{\"node\":\"\",\"id\":7}", "{\"node\":3,\"id\":7}", "{\"node\":null,\"id\":7}"] {
            #expect(throws: ChainProofCoding.DecodingError.self) { try ChainProofCoding.decodeWithNode(Substring(bad)) }
        }
    }
}
