import Dispatch

/// How a `recordDurably` caller learns that its event was committed (or not).
///
/// One per durable event, so that the writer wakes exactly the callers of the batch it just
/// committed, not every blocked connection thread. `result` is written by the writer thread
/// before `signal()` and read by the caller after `wait()`; the semaphore orders the two,
/// which is why the unchecked `Sendable` is sound.
final class CommitWaiter: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<Void, AuditError> = .failure(.writerClosed)

    func complete(_ result: Result<Void, AuditError>) {
        self.result = result
        semaphore.signal()
    }

    func wait() -> Result<Void, AuditError> {
        semaphore.wait()
        return result
    }
}

/// An event (or lines of session text to index) accepted by the writer, stamped, waiting for
/// its batch.
struct PendingEvent: Sendable {
    var entry: Entry
    var time: AuditTimestamp
    var waiter: CommitWaiter?

    enum Entry: Sendable {
        /// Drafted by the thread that recorded it (`EventDraft`), outside the queue's lock.
        case event(EventDraft)
        /// Search text: committed in the same batches, but outside the hash chain.
        case text(SessionTextLines)
    }

    var isEvent: Bool {
        if case .event = entry { return true }
        return false
    }
}
