import Foundation

/// Tells the writer's callers that their batches are durable, once `WALSync` has synced the
/// log after them: one sync for every batch committed since the previous one (group commit).
///
/// Its own OS thread, so that the writer thread appends and commits the next batch while the
/// disk syncs the last one; with the sync inside COMMIT the writer waited for every fsync.
final class CommitSyncer: @unchecked Sendable {
    private struct Committed {
        var batch: [PendingEvent]
        var cpuSeconds: Double
        var started: ContinuousClock.Instant
    }

    // `committed` and `stopping` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var committed: [Committed] = []
    private var stopping = false
    private let stopped = DispatchGroup()

    init(queue: WriterQueue, walSync: WALSync) {
        stopped.enter()
        let thread = Thread { [self] in
            Thread.current.name = "tg-audit-sync"
            while let batches = nextBatches() {
                let cpuStarted = threadCPUSeconds()
                let outcome: BatchOutcome
                do throws(AuditError) {
                    try walSync.sync()
                    outcome = .durable
                } catch {
                    outcome = .syncFailed(error)
                }
                queue.recordSync(cpuSeconds: threadCPUSeconds() - cpuStarted)
                let now = ContinuousClock.now
                for item in batches {
                    queue.finish(item.batch, with: outcome, cpuSeconds: item.cpuSeconds,
                                 wallSeconds: (now - item.started).seconds)
                }
            }
            stopped.leave()
        }
        thread.start()
    }

    /// Hands over a committed batch; its callers are woken after the next sync.
    func submit(_ batch: [PendingEvent], cpuSeconds: Double, started: ContinuousClock.Instant) {
        condition.lock()
        committed.append(Committed(batch: batch, cpuSeconds: cpuSeconds, started: started))
        condition.signal()
        condition.unlock()
    }

    /// Syncs what was submitted, then stops the thread and waits for it.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        stopped.wait()
    }

    /// Everything submitted so far, or `nil` once stopping with nothing left.
    private func nextBatches() -> [Committed]? {
        condition.lock()
        defer { condition.unlock() }
        while committed.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        defer { committed.removeAll(keepingCapacity: true) }
        return committed
    }
}

extension Duration {
    /// In seconds, as a `Double`, for statistics.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
