import Dispatch

/// Runs the audit store's synchronous reads (GRDB, file reads) off SwiftNIO's event loops and
/// off Swift's cooperative pool, a few at a time: a slow query holds one of these threads,
/// never the loop that accepts and answers other requests.
final class BlockingReads: Sendable {
    private let queue = DispatchQueue(label: "tracegate.web.reads", attributes: .concurrent)
    private let slots: DispatchSemaphore

    init(concurrency: Int = 4) {
        slots = DispatchSemaphore(value: concurrency)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [slots] in
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
