import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single serialised writer of the audit trail.
///
/// Connection threads hand it events; one dedicated OS thread — not Swift's cooperative pool,
/// because SQLite blocks on locks and fsync — takes everything pending, appends it to the
/// chain and commits it in one transaction, so a burst of connections costs one fsync per
/// batch rather than one each, and no two writers ever meet `SQLITE_BUSY` in this process.
/// The fsync itself runs on a second thread (`CommitSyncer`) while this one appends the next
/// batch; callers are woken only after it.
///
/// Fail closed: `recordDurably` returns only after its event is committed and throws if the
/// commit failed, so the gateway can refuse the action it was about to allow. `record`
/// never blocks; its events are retried until the store accepts them.
package final class AuditWriter: Sendable {
    private let queue: WriterQueue
    private let stopped = DispatchGroup()
    private let closeTimeoutSeconds: Double
    private let store: AuditStore
    private let checkpointer: WALCheckpointer

    init(store: AuditStore) {
        let queue = WriterQueue(options: store.options)
        self.queue = queue
        self.store = store
        self.closeTimeoutSeconds = store.options.closeTimeoutSeconds
        store.setAutomaticCheckpoint(frames: store.options.checkpointRestartFrames)
        checkpointer = WALCheckpointer(path: store.path, intervalSeconds: store.options.checkpointIntervalSeconds)
        let stopped = self.stopped
        stopped.enter()
        let syncer = CommitSyncer(queue: queue, walSync: store.walSync)
        // The thread captures the queue, the store and the syncer, never `self`, so that
        // dropping the last reference to the writer runs `deinit`, which closes it.
        let thread = Thread {
            Thread.current.name = "tg-audit-writer"
            while let batch = queue.nextBatch() {
                let started = threadCPUSeconds()
                let wallStarted = ContinuousClock.now
                let outcome = store.append(batch)
                let cpuSeconds = threadCPUSeconds() - started
                switch outcome {
                case .success:
                    syncer.submit(batch, cpuSeconds: cpuSeconds, started: wallStarted)
                case .failure(let error):
                    queue.finish(batch, with: .commitFailed(error), cpuSeconds: cpuSeconds,
                                 wallSeconds: (ContinuousClock.now - wallStarted).seconds)
                }
            }
            syncer.stop()
            stopped.leave()
        }
        thread.start()
    }

    deinit {
        close()
    }

    /// Appends `event` and blocks the calling thread until it is committed to disk.
    ///
    /// Use it for the facts that must exist before the gateway acts on them (the access
    /// decision, before any byte reaches the target). Call it from a connection's own thread,
    /// never from an async context: it blocks. Throws the store's failure (read-only, full,
    /// locked, …); the event is then not written later either.
    package func recordDurably(_ event: AuditEvent) throws(AuditError) {
        let waiter = CommitWaiter()
        guard queue.enqueue(event, waiter: waiter) else { throw .writerClosed }
        try waiter.wait().get()
    }

    /// Appends `event` in the next batch and returns at once; never blocks on I/O. If the
    /// store is failing the event waits in memory and is retried until it is written.
    package func record(_ event: AuditEvent) {
        queue.enqueue(event, waiter: nil)
    }

    /// Indexes lines a session showed or ran for `tracegate audit search`, in the next batch;
    /// returns at once, like `record`.
    ///
    /// Why through this writer rather than a second connection: SQLite allows one writer per
    /// database at a time, and a second one would meet `SQLITE_BUSY` (or wait out the busy
    /// timeout) exactly when the audit trail is busiest, delaying the durable decision events.
    /// Riding in the same batches costs no extra fsync, and the lines are outside the hash chain.
    package func indexText(_ lines: SessionTextLines) {
        guard !lines.lines.isEmpty else { return }
        queue.enqueue(lines)
    }

    /// `false` after a failed commit, until a later commit succeeds. The gateway refuses new
    /// connections while it is false (running sessions go on; their events are retried).
    package var isHealthy: Bool { queue.isHealthy }

    /// The failure that made the writer unhealthy, for the operator's log.
    package var lastError: AuditError? { queue.lastError }

    /// Commits, events and failures so far.
    package var statistics: WriterStatistics { queue.currentStatistics }

    /// Events accepted but not yet committed.
    package var pendingCount: Int { queue.count }

    /// Stops accepting events, commits what is pending and stops the thread. If the store
    /// keeps failing, it gives up after `AuditStoreOptions.closeTimeoutSeconds`; the return
    /// value is then the number of events that could not be written (0 normally), for the
    /// caller to log. Safe to call more than once.
    @discardableResult
    package func close() -> Int {
        queue.close(timeoutSeconds: closeTimeoutSeconds)
        stopped.wait()
        if queue.markCheckpointerStopped() {
            checkpointer.stop()
            store.setAutomaticCheckpoint(frames: 1_000)
        }
        return queue.droppedCount
    }
}

/// CPU time of the calling thread, in seconds (not wall time: waits for fsync or for the CPU do
/// not count).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
}
