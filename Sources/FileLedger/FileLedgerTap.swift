import Glibc

/// The relay's face of a session's file ledger: two calls that copy bytes into a bounded
/// queue, and a finish that waits (bounded) for the last entries.
package final class FileLedgerTap: Sendable {
    /// What may wait for the ledger thread, per session.
    package static let defaultMaxPendingBytes = 32 * 1024 * 1024

    private let session: FileLedgerSession
    private let thread: FileLedgerThread

    package init(parser: any FileLedgerParser, handlers: FileLedgerHandlers,
                 maxPendingBytes: Int = FileLedgerTap.defaultMaxPendingBytes, thread: FileLedgerThread = .shared) {
        session = FileLedgerSession(parser: parser, maxPendingBytes: maxPendingBytes, handlers: handlers)
        self.thread = thread
    }

    /// Bytes from the engineer to the target, as the relay read them.
    package func fromClient(_ bytes: UnsafeRawBufferPointer) {
        if session.enqueue(fromClient: true, bytes, at: Self.now()) { thread.schedule(session) }
    }

    /// Bytes from the target to the engineer (stdout only; stderr is not the protocol).
    package func fromTarget(_ bytes: UnsafeRawBufferPointer) {
        if session.enqueue(fromClient: false, bytes, at: Self.now()) { thread.schedule(session) }
    }

    /// Ends the ledger; returns false if its last entries were not reported within `seconds`.
    @discardableResult
    package func finish(waitingAtMost seconds: Double) -> Bool {
        let signal = FinishSignal()
        let (accepted, wake) = session.enqueueFinish(at: Self.now(), signal)
        guard accepted else { return true }
        if wake { thread.schedule(session) }
        return signal.wait(seconds: seconds)
    }

    package static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
