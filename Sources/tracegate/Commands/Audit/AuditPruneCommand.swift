import ArgumentParser
import Audit
import Policy

struct AuditPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove events, connections, sessions, search lines and recordings older than a cutoff, keeping the chain verifiable.",
        discussion: """
            Safe while the gateway runs: the prune is announced by an audit.prune event (the last
            removed event's hash, the count and the time range), then removed in short steps, each
            recording a checkpoint that `tracegate audit verify` starts from. `retention:` in the
            configuration makes `serve` do the same once a day.
            """)

    @OptionGroup var database: AuditDatabaseOptions

    @Option(name: .customLong("older-than"), help: "Remove what is older than this: 400d, 36h, 90m, 3600s.")
    var olderThan: String

    func run() throws {
        guard let period = RetentionPeriod.parse(olderThan) else {
            throw ValidationError("--older-than: expected \(RetentionPeriod.syntax)")
        }
        let store = try database.openExistingStore()
        let seconds = period.components.seconds
        let cutoff = AuditTimestamp.now().adding(microseconds: -seconds * 1_000_000)
        let report = try auditing { () throws(AuditError) in
            try AuditPruner(store: store).prune(olderThan: cutoff) { (event) throws(AuditError) in
                let writer = store.makeWriter()
                defer { writer.close() }
                try writer.recordDurably(event)
            }
        }
        print(report.description)
        for problem in report.recordingErrors { printError("tracegate: cannot delete recording \(problem)") }
    }
}
