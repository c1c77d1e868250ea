import ArgumentParser
import Audit
import Foundation
import Postmortem

struct AuditBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load benchmark on a scratch database: write throughput, then auditors' query latency.",
        discussion: """
            1. Writes --events synthetic events through the real writer from --threads threads, each
               connection's decision durably (as the gateway does), and reports events/s.
            2. Adds connection and session rows directly until there are --connections (query timing
               only; these rows have no events behind them, so use a scratch file).
            3. Times the auditors' questions --runs times each and reports p50 and p99.
            4. With --bundle-sessions N: writes an incident of N sessions under one ticket amid
               other traffic, exports its postmortem bundle beside the database, and reports the
               time and size of the export and of its verification.
            The database must not exist yet: this never touches a real trail.
            """)

    @Option(help: "A new file to create for the benchmark.")
    var database: String

    @Option(help: "Events to write through the writer.")
    var events: Int = 1_000_000

    @Option(help: "Connections in the table when the queries are timed.")
    var connections: Int = 1_000_000

    @Option(help: "Concurrent writing threads (one per simulated SSH connection).")
    var threads: Int = 64

    @Option(help: "Runs of each query.")
    var runs: Int = 200

    @Option(help: "Sessions of the incident to export as a postmortem bundle (0: no bundle step).")
    var bundleSessions: Int = 0

    @Option(help: "Other connections written between two of the incident's.")
    var bundleNoise: Int = 8

    func validate() throws {
        guard !FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("\(database) exists; the benchmark only writes to a new scratch file")
        }
        guard events >= 0, connections >= 0, threads > 0, runs > 0 else {
            throw ValidationError("--events and --connections must be 0 or more, --threads and --runs above 0")
        }
        guard bundleSessions >= 0, bundleNoise >= 0 else { throw ValidationError("--bundle-sessions and --bundle-noise must be 0 or more") }
    }

    func run() throws {
        let store = try auditing { () throws(AuditError) in try AuditStore.open(path: database) }
        let now = AuditTimestamp.now()
        let span: Int64 = 30 * 86_400 * 1_000_000
        let workload = SyntheticWorkload(start: now.adding(microseconds: -span), spanMicroseconds: span)
        let total = max(connections, 1)

        let writing = ProgressMeter("events written")
        let written = WriteBenchmark.run(
            store: store, eventCount: events, threadCount: threads, workload: workload, totalConnections: total,
            progress: { writing.update(Int64($0), of: Int64(events)) })
        writing.finish()
        print("write: \(written.events) events (\(written.connections) connections) by \(written.threads) threads "
            + "in \(format(written.seconds)) s = \(Int(written.eventsPerSecond)) events/s durable (each acknowledged after its log fsync)")
        print("       \(written.statistics.commits) commits, \(written.events / max(written.statistics.commits, 1)) "
            + "events per commit on average, largest \(written.statistics.largestBatch)")
        print("       writer thread CPU \(format(written.statistics.cpuSeconds * 1_000_000 / Double(max(written.events, 1)))) µs "
            + "per event (about \(Int(Double(written.events) / max(written.statistics.cpuSeconds, 0.001))) events/s on a free core)")
        print("       \(written.statistics.syncs) log fsyncs on the sync thread, its CPU "
            + "\(format(written.statistics.syncCPUSeconds * 1_000_000 / Double(max(written.events, 1)))) µs per event")
        print("       recordDurably blocked the connection thread p50 \(format(written.durableLatency.p50)) ms, "
            + "p99 \(format(written.durableLatency.p99)) ms, max \(format(written.durableLatency.max)) ms")

        let verifying = ProgressMeter("verified events")
        var verification: ChainVerification = .intact(count: 0, head: nil)
        let verifySeconds = try measureMilliseconds {
            verification = try auditing { () throws(AuditError) in
                try ChainVerifier { checked, all in verifying.update(checked, of: all) }.verify(store)
            }
        } / 1_000
        verifying.finish()
        print("verify: \(verification) in \(format(verifySeconds)) s")

        let filling = ProgressMeter("connections")
        let added = try auditing { () throws(AuditError) in
            try QueryBenchmark.fillConnections(store: store, upTo: connections, workload: workload) {
                filling.update(Int64($0), of: Int64(connections))
            }
        }
        filling.finish()
        print("fill: \(added) connection rows added directly; \(connections) connections in the table")

        let timings = try auditing { () throws(AuditError) in
            try QueryBenchmark.run(store: store, workload: workload, totalConnections: total, now: now, runs: runs)
        }
        let width = timings.map(\.name.count).max() ?? 0
        print("queries (\(runs) runs each, milliseconds):")
        print("  " + "query".padding(toLength: width, withPad: " ", startingAt: 0) + "      p50      p99      max   rows")
        for timing in timings {
            print("  " + timing.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + [timing.latency.p50, timing.latency.p99, timing.latency.max].map { column(format($0)) }.joined()
                + column(String(Int(timing.averageRows.rounded())), width: 7))
        }
        if bundleSessions > 0 { try benchBundle(store: store, workload: workload, after: max(connections, written.connections)) }
    }

    private func benchBundle(store: AuditStore, workload: SyntheticWorkload, after number: Int) throws {
        let destination = database + ".bundle"
        let report: BundleBenchmark.Report
        do {
            report = try BundleBenchmark.run(
                store: store, databasePath: database, workload: workload, firstNumber: number + 1, sessions: bundleSessions,
                noise: bundleNoise, destination: destination, zone: TimeZone(identifier: "Europe/Paris"))
        } catch {
            printError("tracegate: bundle benchmark failed: \(error)")
            throw ExitCode(2)
        }
        let counts = report.manifest.counts
        print("bundle: \(report.sessions) sessions of \(BundleBenchmark.ticket) among \(report.connectionsWritten) connections "
            + "written in \(format(report.writeSeconds)) s; trail head \(report.manifest.auditHead.id)")
        print("        export \(format(report.exportSeconds)) s: \(counts.connections) connections, \(counts.sessions) sessions, "
            + "\(counts.events) events, \(counts.links) chain links, \(report.manifest.recordings.count) recordings")
        print("        size \(report.bytes) bytes (\(format(Double(report.bytes) / 1_048_576)) MiB), events.jsonl "
            + "\(report.eventsBytes) bytes; verify \(format(report.verifySeconds)) s, \(report.problems.count) problems")
        for problem in report.problems.prefix(5) { print("        problem: \(problem)") }
        print("        in \(destination)")
    }

    private func format(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }

    private func column(_ text: String, width: Int = 9) -> String {
        String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
