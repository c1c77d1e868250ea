import Audit
import Foundation
import Logging

/// `retention:` applied by `serve`: a prune 5 s after start (after the start events), then once a day, on a thread
/// of its own (SQLite blocks). The retention is read from the current settings at each run,
/// so a reload that sets, changes or removes it takes effect at the next one. The prune goes
/// through this process's store, so its short steps take turns with the audit writer on the
/// same connection and the writer never meets a lock it cannot get.
final class RetentionSchedule: Sendable {
    static let firstRunDelay = Duration.seconds(5)
    static let interval = Duration.seconds(86_400)

    private let runtime: GatewayRuntime
    private let audit: AuditWriter
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)

    init(runtime: GatewayRuntime, audit: AuditWriter, logger: Logger) {
        self.runtime = runtime
        self.audit = audit
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            Thread.current.name = "tg-retention"
            var next = ContinuousClock.now + Self.firstRunDelay
            while !runtime.shutdown.isRequested {
                if ContinuousClock.now >= next {
                    logOpenReviews()
                    runOnce()
                    next = ContinuousClock.now + Self.interval
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            finished.signal()
        }
        thread.start()
    }

    /// Waits for a prune in progress to finish its step and the thread to end.
    var runtimeStore: any ReviewStore { runtime.reviews }
    var reviewLogger: Logger { logger }

    func waitUntilStopped() {
        finished.wait()
    }

    func runOnce() {
        guard let retention = runtime.settings.configuration.retention else { return }
        let cutoff = AuditTimestamp.now().adding(microseconds: -retention.components.seconds * 1_000_000)
        do {
            var pruner = AuditPruner(store: runtime.auditStore)
            pruner.shouldContinue = { [runtime] in !runtime.shutdown.isRequested }
            let report = try pruner.prune(olderThan: cutoff) { (event) throws(AuditError) in
                try audit.recordDurably(event)
            }
            guard let anchor = report.anchor else { return }
            logger.notice("audit trail pruned", metadata: [
                "tg.cutoff": "\(report.cutoff)", "tg.events": "\(report.removedEvents)",
                "tg.sessions": "\(report.removedSessions)", "tg.recordings": "\(report.removedRecordings)",
                "tg.anchor_id": "\(anchor.id)", "tg.anchor_hash": "\(anchor.hash)",
            ])
            for problem in report.recordingErrors {
                logger.warning("cannot delete a pruned recording", metadata: ["tg.error": "\(problem)"])
            }
        } catch {
            logger.error("audit prune failed", metadata: ["tg.error": "\(error)"])
        }
    }
}
