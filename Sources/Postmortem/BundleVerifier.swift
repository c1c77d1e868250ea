import Audit
import Foundation

/// `tracegate audit bundle verify DIR`: every check a recipient can make with the bundle alone,
/// plus, given their own head or trail, that it is theirs and complete. Each failure is one line.
package struct BundleVerifier {
    package var directory: String
    /// A head hash from the recipient's own copy of the trail (the hash of event `audit_head.id`).
    package var expectedHead: String?
    /// On a cluster's bundle: head hashes by node, from the recipient's copy of each chain
    /// (`--expect NODE=HASH`, the hash of that node's event at `heads.NODE.id`).
    package var expectedNodeHeads: [String: String] = [:]
    /// The recipient's trail, to re-run the selection on.
    package var against: AuditStore?

    package init(directory: String, expectedHead: String? = nil, against: AuditStore? = nil) {
        self.directory = directory
        self.expectedHead = expectedHead
        self.against = against
    }

    package struct Outcome: Sendable {
        package var problems: [String] = []
        package var notes: [String] = []
        package var manifest: BundleManifest?
        package var isIntact: Bool { problems.isEmpty }
    }

    package func verify() -> Outcome {
        var outcome = Outcome()
        let manifest: BundleManifest
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + BundleManifest.fileName))
            manifest = try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            outcome.problems.append("manifest.json cannot be read: \(error)")
            return outcome
        }
        outcome.manifest = manifest
        checkFiles(manifest, &outcome)
        let (chain, eventNodes) = checkChain(manifest, &outcome)
        checkRows(manifest, chain, &outcome)
        checkRecordings(manifest, chain, eventNodes: eventNodes, &outcome)
        if let expectedHead {
            if expectedHead.lowercased() != manifest.auditHead.hash.lowercased() {
                outcome.problems.append("the bundle's head (event \(manifest.auditHead.id), \(manifest.auditHead.hash)) "
                                        + "is not the expected head \(expectedHead)")
            } else {
                outcome.notes.append("head matches the expected head \(expectedHead)")
            }
        }
        checkNodeHeads(manifest, &outcome)
        if let against {
            if manifest.heads == nil {
                checkCompleteness(manifest, chain, against, &outcome)
            } else {
                outcome.problems.append("this bundle holds several nodes' chains; an audit database holds one node's, "
                                        + "so the selection cannot be re-run on it (use --expect NODE=HASH for each node)")
            }
        }
        return outcome
    }

    /// `--expect NODE=HASH`: each against that node's head in the manifest.
    private func checkNodeHeads(_ manifest: BundleManifest, _ outcome: inout Outcome) {
        for (node, expected) in expectedNodeHeads.sorted(by: { $0.key < $1.key }) {
            guard let head = manifest.heads?[node] else {
                outcome.problems.append("the bundle has no head for node \(node) (expected \(expected))")
                continue
            }
            if expected.lowercased() != head.hash.lowercased() {
                outcome.problems.append("the bundle's head of node \(node) (event \(head.id), \(head.hash)) is not the expected head \(expected)")
            } else {
                outcome.notes.append("head of node \(node) matches the expected head \(expected)")
            }
        }
    }

    // MARK: files

    private func checkFiles(_ manifest: BundleManifest, _ outcome: inout Outcome) {
        let listed = Set(manifest.files.map(\.path))
        for file in manifest.files {
            let path = directory + "/" + file.path
            guard file.path.split(separator: "/").allSatisfy({ $0 != ".." }) else {
                outcome.problems.append("manifest.json names a path outside the bundle: \(file.path)")
                continue
            }
            guard FileManager.default.fileExists(atPath: path) else {
                outcome.problems.append("\(file.path) is missing")
                continue
            }
            do {
                let digest = try FileHashing.digest(ofFileAt: path)
                if digest.sha256 != file.sha256.lowercased() || digest.size != file.size {
                    outcome.problems.append("\(file.path) does not match the manifest (size \(digest.size), SHA-256 \(digest.sha256); "
                                            + "manifest: size \(file.size), SHA-256 \(file.sha256))")
                }
            } catch {
                outcome.problems.append("\(file.path) cannot be read")
            }
        }
        for extra in ((try? BundleFiles.list(directory)) ?? []) where !listed.contains(extra) {
            outcome.problems.append("\(extra) is not in the manifest")
        }
        let sums = (try? String(contentsOfFile: directory + "/" + BundleManifest.checksumsFileName, encoding: .utf8)) ?? ""
        if sums != manifest.checksums {
            outcome.problems.append("SHA256SUMS does not list the manifest's files and hashes")
        }
        for required in ["events.jsonl", "sessions.csv", "connections.csv"] where !listed.contains(required) {
            outcome.problems.append("the manifest does not list \(required)")
        }
    }

    // MARK: chain

    /// The intact events of every node's proof, and the node of each (nil on one node's bundle).
    private func checkChain(_ manifest: BundleManifest, _ outcome: inout Outcome) -> (ChainProofVerifier.Outcome, [String?]) {
        var all = ChainProofVerifier.Outcome()
        var eventNodes: [String?] = []
        guard let text = try? String(contentsOfFile: directory + "/events.jsonl", encoding: .utf8) else {
            outcome.problems.append("events.jsonl cannot be read")
            return (all, eventNodes)
        }
        // A cluster's bundle holds one proof per node (its lines carry the node); each is
        // walked on its own, to that node's head. A line that cannot be read counts against
        // the chain of the line before it, so the walk there restarts after it.
        var parts: [(node: String?, lines: [(number: Int, line: Swift.Result<ChainProofLine, ChainProofCoding.DecodingError>)])] = []
        var partOf: [String?: Int] = [:]
        var current: String??
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let entry: (number: Int, line: Swift.Result<ChainProofLine, ChainProofCoding.DecodingError>)
            var node = current ?? nil
            do throws(ChainProofCoding.DecodingError) {
                let decoded = try ChainProofCoding.decodeWithNode(line)
                node = decoded.node
                entry = (index + 1, .success(decoded.line))
            } catch {
                entry = (index + 1, .failure(error))
            }
            current = node
            if let position = partOf[node] {
                parts[position].lines.append(entry)
            } else {
                partOf[node] = parts.count
                parts.append((node, [entry]))
            }
        }
        if parts.isEmpty { parts = [(manifest.heads == nil ? nil : manifest.exportedBy.node, [])] }
        for part in parts {
            let label = part.node.map { "node \($0): " } ?? ""
            let head: BundleManifest.Head
            switch (part.node, manifest.heads) {
            case (nil, nil): head = manifest.auditHead
            case (let node?, let heads?) where heads[node] != nil: head = heads[node]!
            case (let node?, _):
                outcome.problems.append("events.jsonl holds lines of node \(node), which has no head in the manifest")
                continue
            case (nil, _?):
                outcome.problems.append("events.jsonl holds lines without a node, but the manifest names a head per node")
                continue
            }
            let chain = ChainProofVerifier(head: ChainHead(id: head.id, hash: head.hash.lowercased())).verify(part.lines)
            outcome.problems += chain.problems.map { label + $0 }
            all.verifiedEvents += chain.verifiedEvents
            all.links += chain.links
            all.events += chain.events
            eventNodes += chain.events.map { _ in part.node }
            outcome.notes.append("\(label)\(chain.verifiedEvents) events hashed, \(chain.links) links walked to head \(head.id)")
        }
        // `audit_head` is not walked to on a cluster's bundle, so it must be the exporting
        // node's walked head: `--expect HASH` and one-node readers rely on it.
        if let heads = manifest.heads, heads[manifest.exportedBy.node ?? ""] != manifest.auditHead {
            outcome.problems.append("manifest.json: audit_head (event \(manifest.auditHead.id)) is not the head of the exporting node "
                                    + "\(manifest.exportedBy.node ?? "(none)") in heads")
        }
        for node in (manifest.heads ?? [:]).keys.sorted() where partOf[node] == nil {
            outcome.problems.append("events.jsonl has no line of node \(node), whose head the manifest names")
        }
        if all.verifiedEvents != manifest.counts.events {
            outcome.problems.append("events.jsonl holds \(all.verifiedEvents) intact events, the manifest counts \(manifest.counts.events)")
        }
        if let exportEvent = manifest.exportedBy.event {
            let exporting = parts.first { $0.node == manifest.exportedBy.node }
            let found = exporting.flatMap { part in
                part.lines.lazy.compactMap { try? $0.line.get() }.compactMap { line -> StoredEvent? in
                    if case .event(let event) = line, event.id == exportEvent { return event }
                    return nil
                }.first
            }
            let intact = found.map { HashChain.hash(of: $0.canonicalFields) == $0.hash } ?? false
            if !intact || found?.kind != AuditEventKind.auditQuery.rawValue || found?.details.contains(manifest.bundleID) != true {
                let whose = manifest.exportedBy.node.map { " of node \($0)" } ?? ""
                outcome.problems.append("the export's own audit.query event \(exportEvent)\(whose) is not in events.jsonl "
                                        + "with bundle id \(manifest.bundleID)")
            }
        }
        return (all, eventNodes)
    }

    // MARK: rows

    /// The CSVs are not hashed into the chain, but every row stands for events that are: a
    /// connection for its `connection.open`, a session for its `channel.open`. A row dropped or
    /// added is named even if the manifest was rewritten to match.
    private func checkRows(_ manifest: BundleManifest, _ chain: ChainProofVerifier.Outcome, _ outcome: inout Outcome) {
        let openedConnections = Set(chain.events.filter { $0.kind == AuditEventKind.connectionOpen.rawValue }.compactMap(\.connectionID))
        let openedSessions = chain.events.filter { $0.kind == AuditEventKind.channelOpen.rawValue }.compactMap(\.sessionID)
        compare(file: "connections.csv", column: "connection_id", what: "connection", evidence: openedConnections,
                opening: "connection.open", &outcome)
        compare(file: "sessions.csv", column: "session_id", what: "session", evidence: Set(openedSessions),
                opening: "channel.open", &outcome)
    }

    private func compare(file: String, column: String, what: String, evidence: Set<String>, opening: String, _ outcome: inout Outcome) {
        guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8),
              let ids = CSVReader.column(column, in: text) else {
            outcome.problems.append("\(file) cannot be read or has no \(column) column")
            return
        }
        let rows = Set(ids)
        for missing in evidence.subtracting(rows).sorted() {
            outcome.problems.append("\(file) has no row for \(what) \(missing), whose \(opening) event is in events.jsonl")
        }
        for extra in rows.subtracting(evidence).sorted() {
            outcome.problems.append("\(file) has a row for \(what) \(extra) with no \(opening) event in events.jsonl")
        }
    }

    // MARK: recordings

    private func checkRecordings(_ manifest: BundleManifest, _ chain: ChainProofVerifier.Outcome, eventNodes: [String?],
                                 _ outcome: inout Outcome) {
        // A session id is one node's: on a cluster the recording is matched by node and session.
        struct Key: Hashable { var node: String?; var session: String }
        let bySession = Dictionary(manifest.recordings.map { (Key(node: $0.node, session: $0.session), $0) },
                                   uniquingKeysWith: { first, _ in first })
        var checked = 0
        for (index, event) in chain.events.enumerated() {
            guard let session = event.sessionID, let stated = BundleFacts.recording(event), let sha256 = stated.sha256 else { continue }
            let node = index < eventNodes.count ? eventNodes[index] : nil
            guard let entry = bySession[Key(node: node, session: session)], let path = entry.path else {
                outcome.problems.append("recording of session \(session) (SHA-256 \(sha256) in event \(event.id)) is not in the bundle")
                continue
            }
            checked += 1
            guard let digest = try? FileHashing.digest(ofFileAt: directory + "/" + path) else {
                outcome.problems.append("recording of session \(session) is missing: \(path)")
                continue
            }
            if digest.sha256 != sha256.lowercased() {
                outcome.problems.append("recording of session \(session) does not match the SHA-256 in its session.close event \(event.id) "
                                        + "(event \(sha256), file \(digest.sha256)): \(path)")
            }
        }
        outcome.notes.append("\(checked) recordings checked against their sessions' close events")
    }

    // MARK: completeness

    private func checkCompleteness(_ manifest: BundleManifest, _ chain: ChainProofVerifier.Outcome, _ store: AuditStore,
                                   _ outcome: inout Outcome) {
        let match: BundleMatch
        do {
            match = try store.bundleMatch(manifest.selection, through: manifest.auditHead.id)
        } catch {
            outcome.problems.append("the trail to compare against cannot be read: \(error)")
            return
        }
        if match.hashAtHead?.lowercased() != manifest.auditHead.hash.lowercased() {
            outcome.problems.append("the trail's event \(manifest.auditHead.id) "
                                    + (match.hashAtHead.map { "has hash \($0)" } ?? "does not exist")
                                    + ", not the bundle's head \(manifest.auditHead.hash)")
        }
        let bundled = Dictionary(chain.events.map { ($0.id, $0.hash) }, uniquingKeysWith: { first, _ in first })
        var missing = 0
        for id in match.eventIDs {
            guard let hash = bundled[id] else {
                missing += 1
                outcome.problems.append("event \(id) matches the selection (\(manifest.selection.summary)) but is not in the bundle")
                continue
            }
            if hash != match.hashes[id] {
                outcome.problems.append("event \(id) in the bundle differs from the trail's (hash \(hash), trail \(match.hashes[id] ?? "none"))")
            }
        }
        for (file, column, ids) in [("connections.csv", "connection_id", match.connectionIDs), ("sessions.csv", "session_id", match.sessionIDs)] {
            let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
            let rows = Set(CSVReader.column(column, in: text) ?? [])
            for id in ids where !rows.contains(id) {
                outcome.problems.append("\(file) has no row for \(id), which matches the selection in the trail")
            }
        }
        outcome.notes.append("selection re-run on the trail: \(match.eventIDs.count) events, \(missing) missing from the bundle")
    }
}
