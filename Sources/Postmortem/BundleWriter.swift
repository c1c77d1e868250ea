import Audit
import Foundation

/// `tracegate audit bundle`: writes a postmortem bundle for a selection (docs/postmortem-bundle.md).
package struct BundleWriter {
    package enum LaneKey: String, Sendable, CaseIterable {
        case target, user
    }

    /// The trail: the node's own, or every node's on a cluster; the writer does not ask which.
    package var source: any BundleSource
    package var selection: BundleSelection
    package var destination: String
    package var lanes: LaneKey = .target
    package var zone: TimeZone?
    package var invoker: AuditInvoker
    /// Carried by the export's `audit.query` event, so the export finds its own event.
    package var bundleID: String
    package var progress: ((String, Int64, Int64) -> Void)?

    package init(source: any BundleSource, selection: BundleSelection, destination: String, invoker: AuditInvoker,
                 bundleID: String) {
        self.source = source
        self.selection = selection
        self.destination = destination
        self.invoker = invoker
        self.bundleID = bundleID
    }

    /// A node's own trail; relative recording paths are resolved in `stateDirectory`.
    package init(store: AuditStore, selection: BundleSelection, destination: String, stateDirectory: String,
                 invoker: AuditInvoker, bundleID: String) {
        self.init(source: SQLiteBundleSource(store: store, stateDirectory: stateDirectory), selection: selection,
                  destination: destination, invoker: invoker, bundleID: bundleID)
    }

    package struct Result: Sendable {
        package var manifest: BundleManifest
        /// Recordings that could not be copied, or whose file no longer matches its session's hash.
        package var warnings: [String]
    }

    package func write(now: Date = Date()) throws -> Result {
        guard selection.isBounded else { throw BundleError.unboundedSelection }
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: destination) {
            guard ((try? fileManager.contentsOfDirectory(atPath: destination)) ?? ["?"]).isEmpty else {
                throw BundleError.destinationNotEmpty(destination)
            }
        }
        try fileManager.createDirectory(atPath: destination + "/recordings", withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        _ = chmod(destination, 0o700)

        let eventsFile = try LineFile(path: destination + "/events.jsonl")
        let extract = try source.bundleExtract(selection, exportMarker: bundleID, progress: { done, total in
            progress?("events", done, total)
        }) { node, line in
            try eventsFile.write(ChainProofCoding.line(line, node: node))
        }
        try eventsFile.close()

        // A cluster's rows carry their node first, as `audit connections|sessions` print them there.
        let perNode = extract.nodeHeads != nil
        try writeCSV("connections.csv", columns: (perNode ? AuditListing.connections.withNode() : .connections).columns,
                     records: extract.connections)
        try writeCSV("sessions.csv", columns: (perNode ? AuditListing.sessions.withNode() : .sessions).columns,
                     records: extract.sessions)
        if let transfers = extract.fileTransfers {
            try writeCSV("files.csv", columns: transfers.first?.columns ?? [], records: transfers)
        }
        var warnings: [String] = []
        let recordings = copyRecordings(extract, warnings: &warnings)

        let counts = BundleManifest.Counts(
            connections: extract.connections.count, sessions: extract.sessions.count, events: extract.events.count,
            links: extract.links, denials: extract.events.filter(BundleFacts.isDenial).count,
            approvals: extract.events.filter(BundleFacts.isApproval).count,
            breakGlass: extract.events.filter(BundleFacts.isBreakGlass).count, fileTransfers: extract.fileTransfers?.count)
        let model = TimelineBuilder(selection: selection, lanes: lanes).model(extract)
        let layout = TimelineLayout(model: model, zone: zone)
        let svg = TimelineSVG.render(layout, model: model)
        try write(svg, to: "timeline.svg")
        let page = IndexPage(selection: selection, extract: extract, counts: counts, recordings: recordings, svg: svg,
                             createdAt: Self.rfc3339(now), exporter: invoker.name, zone: zone)
        try write(page.html, to: "index.html")

        var files: [BundleManifest.File] = []
        for relative in try listFiles() {
            let digest = try FileHashing.digest(ofFileAt: destination + "/" + relative)
            files.append(.init(path: relative, size: digest.size, sha256: digest.sha256))
        }
        let manifest = BundleManifest(
            bundleID: bundleID, createdAt: Self.rfc3339(now),
            exportedBy: .init(user: invoker.name, uid: invoker.uid, event: extract.exportEventID, node: extract.exportNode),
            selection: selection, auditHead: .init(id: extract.head.id, hash: extract.head.hash),
            heads: extract.nodeHeads?.mapValues { BundleManifest.Head(id: $0.id, hash: $0.hash) }, counts: counts,
            recordings: recordings, files: files)
        try write(manifest.jsonData(), to: BundleManifest.fileName)
        try write(Data(manifest.checksums.utf8), to: BundleManifest.checksumsFileName)
        return Result(manifest: manifest, warnings: warnings)
    }

    /// Copies each recording a selected session's close event names, checking it against the
    /// SHA-256 that event states (the chain vouches for the event, the event for the file).
    private func copyRecordings(_ extract: BundleExtract, warnings: inout [String]) -> [BundleManifest.Recording] {
        var result: [BundleManifest.Recording] = []
        var taken = Set<String>()
        var closed = Set<String>()
        var sources: [(session: String, path: String, sha256: String?, node: String?)] = []
        for (index, event) in extract.events.enumerated() {
            guard let session = event.sessionID, let recording = BundleFacts.recording(event) else { continue }
            closed.insert(session)
            sources.append((session, recording.path, recording.sha256, extract.node(ofEvent: index)))
        }
        // Sessions still open at export: their row names the file, no event states a hash yet.
        for row in extract.sessions {
            guard let session = row["session_id"]?.stringValue, !closed.contains(session),
                  let path = row["recording_path"]?.stringValue else { continue }
            sources.append((session, path, nil, row["node"]?.stringValue))
        }
        for (index, source) in sources.enumerated() {
            progress?("recordings", Int64(index), Int64(sources.count))
            var name = (source.path as NSString).lastPathComponent
            if !taken.insert(name).inserted { name = source.session + "-" + name; taken.insert(name) }
            let relative = "recordings/" + name
            // Another node's recording outside a shared directory cannot be read from here.
            guard let absolute = self.source.recordingFile(path: source.path, node: source.node) else {
                warnings.append("recording of session \(source.session) is missing: node \(source.node ?? "?") wrote it at "
                                + "\(source.path), which this node cannot read (cluster.recordings is not shared)")
                result.append(.init(session: source.session, path: nil, sha256: source.sha256, source: source.path, node: source.node))
                continue
            }
            guard FileManager.default.fileExists(atPath: absolute) else {
                warnings.append("recording of session \(source.session) is missing: \(absolute)")
                result.append(.init(session: source.session, path: nil, sha256: source.sha256, source: source.path, node: source.node))
                continue
            }
            do {
                try FileManager.default.copyItem(atPath: absolute, toPath: destination + "/" + relative)
                _ = chmod(destination + "/" + relative, 0o600)
                let digest = try FileHashing.digest(ofFileAt: destination + "/" + relative)
                if let expected = source.sha256, expected.lowercased() != digest.sha256 {
                    warnings.append("recording of session \(source.session) does not match the SHA-256 its close event states "
                                    + "(\(expected), file \(digest.sha256)): \(absolute)")
                }
            } catch {
                warnings.append("recording of session \(source.session) could not be copied (\(error)): \(absolute)")
                result.append(.init(session: source.session, path: nil, sha256: source.sha256, source: source.path, node: source.node))
                continue
            }
            result.append(.init(session: source.session, path: relative, sha256: source.sha256, source: source.path, node: source.node))
        }
        return result
    }

    private func writeCSV(_ name: String, columns: [String], records: [AuditRecord]) throws {
        let file = try LineFile(path: destination + "/" + name)
        try file.write(CSVText.line(columns.map(AuditValue.string)))
        for record in records { try file.write(CSVText.line(record.values)) }
        try file.close()
    }

    private func write(_ text: String, to name: String) throws { try write(Data(text.utf8), to: name) }

    private func write(_ data: Data, to name: String) throws {
        let path = destination + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw BundleError.cannotWrite(path, "create failed")
        }
    }

    /// Every file of the bundle but the manifest and checksums, sorted.
    private func listFiles() throws -> [String] {
        try BundleFiles.list(destination)
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

enum BundleFiles {
    /// Relative paths of the regular files under `directory`, sorted, without manifest and checksums.
    static func list(_ directory: String) throws -> [String] {
        var paths: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else { throw BundleError.cannotRead(directory) }
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            if relative == BundleManifest.fileName || relative == BundleManifest.checksumsFileName { continue }
            paths.append(relative)
        }
        return paths.sorted()
    }
}

/// A file written line by line through a 1 MiB buffer (events.jsonl reaches gigabytes).
final class LineFile {
    private let handle: FileHandle
    private let path: String
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw BundleError.cannotWrite(path, "create failed") }
        self.handle = handle
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        do { try handle.write(contentsOf: buffer) } catch { throw BundleError.cannotWrite(path, "\(error)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
