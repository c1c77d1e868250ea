import ArgumentParser
import Audit
import Foundation
import Postmortem

/// `tracegate audit bundle …`: export an incident's evidence, and check one received.
struct AuditBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Export a postmortem bundle (sessions, events with their chain proof, recordings, timeline), or verify one.",
        subcommands: [AuditBundleExportCommand.self, AuditBundleVerifyCommand.self],
        defaultSubcommand: AuditBundleExportCommand.self
    )
}

struct AuditBundleExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a postmortem bundle (the default subcommand: `tracegate audit bundle --ticket INC-42 -o DIR`).",
        discussion: """
            Selects the connections of a ticket, or opened in a time range, narrowed by --target, --user
            and --org, with their sessions and events, and writes DIR: index.html, timeline.svg,
            sessions.csv, connections.csv, files.csv (when the trail has a file ledger), events.jsonl
            (the events with their chain hashes and the links that join them to the head), recordings/,
            manifest.json and SHA256SUMS. The export is itself an audit.query event, included in the
            bundle. On a configuration with cluster: (and no --database), the connections of every node
            come from PostgreSQL, each node's events with its own chain proof. See docs/postmortem-bundle.md.
            """)

    @OptionGroup var database: AuditDatabaseOptions

    @Option(help: "The incident or change ticket.")
    var ticket: String?

    @Option(help: "Connections opened at or after this time: a duration back from now (2h, 7d) or a UTC date or date-time.")
    var since: String?

    @Option(help: "Connections opened before this time (same forms as --since).")
    var until: String?

    @Option(help: "Only this target.")
    var target: String?

    @Option(help: "Only this user.")
    var user: String?

    @Option(name: .customLong("org"), help: "Only this organization.")
    var organization: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "The directory to write (must not exist or be empty).")
    var output: String

    @Option(help: "Timeline lanes: one per target or per user.")
    var by: String = "target"

    @Option(help: "A time zone for the timeline's second axis row (e.g. Europe/Paris); UTC is always shown.")
    var zone: String?

    @Flag(help: "Also pack the directory into DIR.tar.gz.")
    var tar = false

    func validate() throws {
        guard ticket != nil || since != nil || until != nil else {
            throw ValidationError("give --ticket, or --since/--until: a bundle of the whole trail is a backup (`tracegate audit backup`)")
        }
        guard BundleWriter.LaneKey(rawValue: by) != nil else { throw ValidationError("--by is target or user") }
        if let zone, TimeZone(identifier: zone) == nil { throw ValidationError(BundleError.invalidZone(zone).description) }
        for value in [since, until].compactMap({ $0 }) {
            do { _ = try TimeBoundParser.parse(value) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let now = AuditTimestamp.now()
        let selection: BundleSelection
        do {
            selection = BundleSelection(
                ticket: ticket, since: try since.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) },
                until: try until.map { value throws(AuditError) in try TimeBoundParser.parse(value, now: now) },
                target: target, user: user, organization: organization)
        } catch {
            throw ValidationError(error.description)
        }
        let store = try database.openExistingStore()
        let source = try database.bundleSource(localStore: store)
        let bundleID = UUID().uuidString.lowercased()
        var filter = selection.auditDetails
        filter["bundle_id"] = .string(bundleID)
        filter["output"] = .string(output)
        try recordQuery(store, command: "bundle", filter: filter)

        var writer = BundleWriter(source: source, selection: selection, destination: output, invoker: .current(),
                                  bundleID: bundleID)
        writer.lanes = BundleWriter.LaneKey(rawValue: by) ?? .target
        writer.zone = zone.flatMap(TimeZone.init(identifier:))
        let meter = ProgressMeter("bundle")
        writer.progress = { stage, done, total in meter.update(done, of: total, stage: stage) }
        let result: BundleWriter.Result
        do {
            result = try writer.write()
        } catch let error as AuditError {
            meter.finish()
            printError("tracegate: \(error)")
            throw ExitCode(2)
        } catch {
            meter.finish()
            printError("tracegate: bundle failed: \(error)")
            throw ExitCode(2)
        }
        meter.finish()
        // A trail whose recordings were pruned would otherwise print one line per session.
        for warning in result.warnings.prefix(20) { printError("tracegate: warning: \(warning)") }
        if result.warnings.count > 20 {
            printError("tracegate: warning: \(result.warnings.count - 20) more recordings missing, changed or unreadable "
                       + "(manifest.json lists every recording; those without a path were not copied)")
        }
        let manifest = result.manifest
        let bytes = manifest.files.reduce(Int64(0)) { $0 + $1.size }
        print("OK bundle in \(output): \(manifest.counts.connections) connections, \(manifest.counts.sessions) sessions, "
              + "\(manifest.counts.events) events, \(manifest.recordings.filter { $0.path != nil }.count) recordings, \(bytes) bytes")
        if let heads = manifest.heads {
            for (node, head) in heads.sorted(by: { $0.key < $1.key }) { print("head \(node) \(head.id) \(head.hash)") }
        } else {
            print("head \(manifest.auditHead.id) \(manifest.auditHead.hash)")
        }
        if tar {
            let archive = try BundleArchive.pack(directory: output)
            print("archive \(archive)")
        }
    }
}

struct AuditBundleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a postmortem bundle: files, event hashes, chain to the head, recordings; optionally against your own trail.",
        discussion: """
            DIR may also be a .tar.gz made with --tar. Prints one line per failure and exits 1 if there
            is any. --expect HASH: the hash your own copy of the trail has at the bundle's head event
            (`sqlite3 audit.db "SELECT hash FROM events WHERE id = N"`, N from manifest.json); for a
            cluster's bundle, --expect NODE=HASH once per node, N from manifest.json's heads. --against
            audit.db re-runs the bundle's selection on that trail up to its head and names every event,
            connection or session that matches but is not in the bundle.
            """)

    @Argument(help: "The bundle directory (or .tar.gz).")
    var path: String

    @Option(name: .customLong("expect"),
            help: "The head hash your own copy of the trail has at the bundle's head event; NODE=HASH for a node of a cluster's bundle.")
    var expected: [String] = []

    func validate() throws {
        if expected.filter({ !$0.contains("=") }).count > 1 {
            throw ValidationError("give --expect HASH once; for a cluster's bundle, --expect NODE=HASH per node")
        }
        if expected.contains(where: { $0.hasPrefix("=") || $0.hasSuffix("=") }) {
            throw ValidationError("--expect NODE=HASH needs both the node and the hash")
        }
    }

    @Option(name: .customLong("against"), help: "An audit database (yours) to re-run the selection on.")
    var against: String?

    func run() throws {
        var directory = path
        var unpacked: String?
        if path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") {
            do {
                let root = try BundleArchive.unpack(path)
                unpacked = root.temporary
                directory = root.bundle
            } catch {
                printError("tracegate: \(error)")
                throw ExitCode(2)
            }
        }
        defer { if let unpacked { try? FileManager.default.removeItem(atPath: unpacked) } }
        var store: AuditStore?
        if let against {
            guard FileManager.default.fileExists(atPath: against) else {
                printError("tracegate: no audit database at \(against)")
                throw ExitCode(2)
            }
            let opened = try auditing { () throws(AuditError) in try AuditStore.open(path: against) }
            try recordQuery(opened, command: "bundle verify", filter: ["bundle": .string(path)])
            store = opened
        }
        var verifier = BundleVerifier(directory: directory, expectedHead: expected.first { !$0.contains("=") }, against: store)
        for pair in expected {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            verifier.expectedNodeHeads[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let outcome = verifier.verify()
        for problem in outcome.problems { print("FAILED " + problem) }
        for note in outcome.notes { print(note) }
        if outcome.isIntact {
            let head = outcome.manifest.map { manifest in
                manifest.heads.map { heads in
                    heads.sorted { $0.key < $1.key }.map { "head \($0.key) \($0.value.id) \($0.value.hash)" }.joined(separator: ", ")
                } ?? "head \(manifest.auditHead.id) \(manifest.auditHead.hash)"
            } ?? ""
            print("OK bundle \(path) verified, \(head)")
        } else {
            print("FAILED bundle \(path): \(outcome.problems.count) problem(s)")
            throw ExitCode(1)
        }
    }
}
