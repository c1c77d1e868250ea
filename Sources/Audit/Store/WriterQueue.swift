import Foundation

/// The hand-off between the many connection threads and the one writer thread: a FIFO of
/// pending events, health state and retry timing, all guarded by one condition lock.
///
/// `@unchecked Sendable` because every stored property is read and written only while
/// `condition` is locked; the class exists to keep that rule in one small place.
final class WriterQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let options: AuditStoreOptions

    // Pending events are `pending[head...]`; taking a batch advances `head` instead of
    // shifting the array, so a backlog of many events costs nothing per batch.
    private var pending: [PendingEvent] = []
    private var head = 0
    private var pendingDurable = 0
    private var closing = false
    private var closeDeadline = Date.distantFuture
    private var stopped = false
    private var retryAt: Date?
    private var retryDelay: Double
    private var healthy = true
    private var lastFailure: AuditError?
    private var dropped = 0
    private var statistics = WriterStatistics()
    private var checkpointerStopped = false

    init(options: AuditStoreOptions) {
        self.options = options
        self.retryDelay = options.initialRetryDelaySeconds
    }

    var isHealthy: Bool { locked { healthy } }
    var lastError: AuditError? { locked { lastFailure } }
    var count: Int { locked { pending.count - head } }
    var droppedCount: Int { locked { dropped } }
    var currentStatistics: WriterStatistics { locked { statistics } }

    /// True exactly once: for the `close()` call that must stop the checkpointer.
    func markCheckpointerStopped() -> Bool {
        locked {
            defer { checkpointerStopped = true }
            return !checkpointerStopped
        }
    }

    /// Stamps and appends `event`; `false` once the writer is closing.
    @discardableResult
    func enqueue(_ event: AuditEvent, waiter: CommitWaiter?) -> Bool {
        let draft = EventDraft(event)
        condition.lock()
        defer { condition.unlock() }
        guard !closing else {
            if waiter == nil { dropped += 1 }
            return false
        }
        // Stamped under the lock, so that queue order (hence chain order) is time order.
        pending.append(PendingEvent(entry: .event(draft), time: event.time ?? .now(), waiter: waiter))
        if waiter != nil { pendingDurable += 1 }
        condition.signal()
        return true
    }

    /// Appends lines to index in the next batch; nobody waits for them. Dropped once closing.
    func enqueue(_ text: SessionTextLines) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        pending.append(PendingEvent(entry: .text(text), time: .now(), waiter: nil))
        condition.signal()
    }

    /// Blocks until there is something to commit and it is time to try; returns `nil` when
    /// the writer should stop. After a failure, events nobody waits for are retried after a
    /// growing delay, but a durable event is tried at once: a new connection must learn now
    /// whether the store has recovered.
    func nextBatch() -> [PendingEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let available = pending.count - head
            if available == 0 {
                if closing { return stop() }
                condition.wait()
                continue
            }
            if let retryAt, pendingDurable == 0 {
                let now = Date()
                if closing && now >= closeDeadline { return stop() }
                if now < retryAt {
                    _ = condition.wait(until: closing ? min(retryAt, closeDeadline) : retryAt)
                    continue
                }
            }
            let end = min(head + options.maximumBatchSize, pending.count)
            let batch = Array(pending[head..<end])
            head = end
            compact()
            return batch
        }
    }

    /// Records what became of `batch` and wakes its durable callers. After a failed commit the
    /// events nobody waits for go back to the front, in order, to be retried; a durable event
    /// is not retried, because its caller was told it failed and refused the action, and a
    /// later "allowed" row would record something that never happened. After a failed sync the
    /// batch is committed but perhaps not on disk: its callers are told it failed, like after
    /// a failed commit, and nothing is retried (the rows exist; a retry would duplicate them).
    func finish(_ batch: [PendingEvent], with outcome: BatchOutcome, cpuSeconds: Double, wallSeconds: Double = 0) {
        condition.lock()
        statistics.cpuSeconds += cpuSeconds
        let result: Result<Void, AuditError>
        switch outcome {
        case .durable:
            result = .success(())
            statistics.commitLatency.record(seconds: wallSeconds)
            statistics.commits += 1
            let events = batch.count(where: \.isEvent)
            statistics.committedEvents += events
            statistics.largestBatch = max(statistics.largestBatch, events)
            healthy = true
            lastFailure = nil
            retryAt = nil
            retryDelay = options.initialRetryDelaySeconds
        case .commitFailed(let error), .syncFailed(let error):
            result = .failure(error)
            statistics.failedCommits += 1
            healthy = false
            lastFailure = error
            if case .commitFailed = outcome {
                let retained = batch.filter { $0.waiter == nil }
                pending.replaceSubrange(head..<head, with: retained)
            }
            retryAt = Date(timeIntervalSinceNow: retryDelay)
            retryDelay = min(retryDelay * 2, options.maximumRetryDelaySeconds)
        }
        pendingDurable -= batch.count(where: { $0.waiter != nil })
        condition.unlock()
        for item in batch { item.waiter?.complete(result) }
    }

    /// Adds the sync thread's CPU time to the statistics.
    func recordSync(cpuSeconds: Double) {
        locked {
            statistics.syncs += 1
            statistics.syncCPUSeconds += cpuSeconds
        }
    }

    /// Stops accepting events; the writer drains what is pending, retrying a failing store
    /// until `timeoutSeconds` have passed.
    func close(timeoutSeconds: Double) {
        condition.lock()
        if !closing {
            closing = true
            closeDeadline = Date(timeIntervalSinceNow: timeoutSeconds)
        }
        condition.broadcast()
        condition.unlock()
    }

    // Called with the lock held.
    private func stop() -> [PendingEvent]? {
        let abandoned = Array(pending[head...])
        dropped += abandoned.count(where: { $0.waiter == nil })
        for item in abandoned { item.waiter?.complete(.failure(lastFailure ?? .writerClosed)) }
        pending.removeAll()
        head = 0
        pendingDurable = 0
        stopped = true
        return nil
    }

    // Called with the lock held.
    private func compact() {
        if head == pending.count {
            pending.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4_096 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}

/// Counters for operators and the benchmark: how well batching works, how often commits fail.
package struct WriterStatistics: Sendable, Hashable {
    package var commits = 0
    package var committedEvents = 0
    package var failedCommits = 0
    package var largestBatch = 0
    /// CPU time the writer thread spent appending and committing: what bounds its throughput.
    package var cpuSeconds = 0.0
    /// Log syncs (each makes every batch committed before it durable) and their thread's CPU.
    package var syncs = 0
    package var syncCPUSeconds = 0.0
    /// Wall time from the start of each successful commit to the end of its sync: what a
    /// durable event waits for.
    package var commitLatency = CommitLatencyHistogram()
}

/// What became of one batch of the writer.
enum BatchOutcome: Sendable {
    /// Committed and synced: its callers may act.
    case durable
    /// The transaction failed and was rolled back.
    case commitFailed(AuditError)
    /// Committed, but the log could not be synced.
    case syncFailed(AuditError)
}
