import Audit
import Foundation

/// The bundle part of `tracegate audit bench --bundle-sessions N`: an incident of N sessions
/// under one ticket, written through the real writer at the end of the benchmark's trail with
/// `noise` other connections between each two of its own (a recent incident amid ordinary
/// traffic), each shell session with a recording file; then the bundle is exported and timed.
package enum BundleBenchmark {
    package static let ticket = "INC-BENCH"

    package struct Report: Sendable {
        package var sessions: Int
        package var connectionsWritten: Int
        package var writeSeconds: Double
        package var exportSeconds: Double
        package var verifySeconds: Double
        package var manifest: BundleManifest
        package var bytes: Int64
        package var eventsBytes: Int64
        package var problems: [String]
    }

    package static func run(store: AuditStore, databasePath: String, workload: SyntheticWorkload, firstNumber: Int,
                            sessions: Int, noise: Int, destination: String, zone: TimeZone?) throws -> Report {
        let stateDirectory = (databasePath as NSString).deletingLastPathComponent
        let writer = store.makeWriter()
        let started = Date()
        var written = 0
        var incidentSessions = 0
        var number = firstNumber
        let spacing: Int64 = 200_000  // 0.2 s between connections: 2,000 sessions over about 1 h 40 min
        var time = AuditTimestamp.now().adding(microseconds: -Int64(sessions * (noise + 1)) * spacing)
        while incidentSessions < sessions {
            let incident = written % (noise + 1) == 0
            // Only allowed connections with a session count for the incident.
            if incident, workload.shape(number) != .allowed { number += 1; continue }
            var (events, _) = workload.events(forConnection: number, at: time)
            if incident {
                incidentSessions += 1
                for index in events.indices where events[index].user != nil { events[index].ticket = ticket }
                try attachRecording(&events, stateDirectory: stateDirectory, number: number)
            }
            for event in events { writer.record(event) }
            written += 1
            number += 1
            time = time.adding(microseconds: spacing)
        }
        _ = writer.close()
        let writeSeconds = Date().timeIntervalSince(started)

        let bundleID = UUID().uuidString.lowercased()
        let invoker = AuditInvoker.current()
        try store.recordQuery(by: invoker, command: "bundle", filter: ["ticket": .string(ticket), "bundle_id": .string(bundleID)])
        var bundle = BundleWriter(store: store, selection: BundleSelection(ticket: ticket), destination: destination,
                                  stateDirectory: stateDirectory, invoker: invoker, bundleID: bundleID)
        bundle.zone = zone
        let exportStart = Date()
        let result = try bundle.write()
        let exportSeconds = Date().timeIntervalSince(exportStart)
        let verifyStart = Date()
        let outcome = BundleVerifier(directory: destination).verify()
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        return Report(
            sessions: incidentSessions, connectionsWritten: written, writeSeconds: writeSeconds, exportSeconds: exportSeconds,
            verifySeconds: verifySeconds, manifest: result.manifest,
            bytes: result.manifest.files.reduce(0) { $0 + $1.size },
            eventsBytes: result.manifest.files.first { $0.path == "events.jsonl" }?.size ?? 0, problems: outcome.problems)
    }

    /// A shell session's recording: a small asciicast file, named on its events like the gateway's.
    private static func attachRecording(_ events: inout [AuditEvent], stateDirectory: String, number: Int) throws {
        guard let open = events.firstIndex(where: { $0.kind == .channelOpen }),
              let path = events[open].details[AuditDetailKey.recordingPath]?.stringValue,
              let close = events.firstIndex(where: { $0.kind == .sessionClose }) else { return }
        let absolute = stateDirectory + "/" + path
        try FileManager.default.createDirectory(atPath: (absolute as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        var cast = "{\"version\": 2, \"width\": 120, \"height\": 40}\n"
        for line in 0..<40 { cast += "[\(Double(line) * 0.25), \"o\", \"line \(line) of session \(number): systemctl status app\\r\\n\"]\n" }
        try Data(cast.utf8).write(to: URL(fileURLWithPath: absolute))
        let digest = try FileHashing.digest(ofFileAt: absolute)
        events[close].details[AuditDetailKey.recordingPath] = .string(path)
        events[close].details[AuditDetailKey.recordingSize] = .integer(digest.size)
        events[close].details[AuditDetailKey.recordingSHA256] = .string(digest.sha256)
    }
}
