import Dispatch
import Synchronization

/// Lets the thread that ends a session wait until the writer thread has closed its file.
final class FinishWaiter: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<RecordingSummary?>(nil)

    func resolve(_ summary: RecordingSummary) {
        result.withLock { $0 = summary }
        done.signal()
    }

    func wait() -> RecordingSummary? {
        done.wait()
        return result.withLock { $0 }
    }

    /// Nil when the writer did not resolve in time (a hung disk).
    func wait(atMost timeout: Duration) -> RecordingSummary? {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return nil }
        return result.withLock { $0 }
    }
}
