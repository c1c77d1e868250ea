import Dispatch
import Synchronization

/// Runs the audit store's synchronous reads (GRDB, file reads) off SwiftNIO's event loops and
/// off Swift's cooperative pool, a few at a time: a slow query holds one of these threads,
/// never the loop that accepts and answers other requests. A read that takes longer than
/// `timeout` is answered as unavailable at once; its thread finishes it and frees the slot,
/// so the bound on concurrent reads holds even then.
final class BlockingReads: Sendable {
    private let queue = DispatchQueue(label: "tracegate.web.reads", attributes: .concurrent)
    /// Deadlines fire from a serial queue of their own: serial queues get an overcommitting
    /// thread, so a timeout is answered on time even when blocked reads (ours or another
    /// component's) hold every thread of the width-limited concurrent pool.
    private let deadlines = DispatchQueue(label: "tracegate.web.read-deadlines")
    private let slots: DispatchSemaphore
    private let timeout: Duration

    struct TimedOut: Error {}

    init(concurrency: Int = 4, timeout: Duration = .seconds(15)) {
        slots = DispatchSemaphore(value: concurrency)
        self.timeout = timeout
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Mutex<CheckedContinuation<T, any Error>?>(continuation)
            @Sendable func finish(_ result: Result<T, any Error>) {
                pending.withLock { $0.take() }?.resume(with: result)
            }
            queue.async { [slots] in
                slots.wait()
                defer { slots.signal() }
                finish(Result { try body() })
            }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            deadlines.asyncAfter(deadline: .now() + seconds) { finish(.failure(TimedOut())) }
        }
    }
}
