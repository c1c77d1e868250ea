import Foundation

/// The one thread that writes recordings, shared by every session.
///
/// A plain `Thread`, not a task: file writes and fsync block, and must neither sit on a
/// relay thread (they would stall typing) nor on Swift's cooperative pool (they would
/// starve it). Sessions with queued data wait in a ready list and are drained in turn, so
/// a session printing at full speed cannot starve a quiet one.
package final class RecordingWriterThread: @unchecked Sendable {
    /// The writer every gateway session uses.
    package static let shared = RecordingWriterThread(name: "tracegate-recording-writer")

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [RecordingSession] = []
    private var started = false
    private var stopping = false

    private let name: String
    private let simulatedWriteDelay: Double

    /// `simulatedWriteDelay` (seconds per drained batch) makes this writer behave like a
    /// slow disk, so tests can show that a lagging writer never blocks the relay.
    package init(name: String, simulatedWriteDelay: Double = 0) {
        self.name = name
        self.simulatedWriteDelay = simulatedWriteDelay
    }

    /// Lets the thread end once it has drained what is ready. For writers made by tests;
    /// the shared writer lives as long as the process.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func schedule(_ session: RecordingSession) {
        condition.lock()
        defer { condition.unlock() }
        ready.append(session)
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = name
            thread.start()
        }
        condition.signal()
    }

    private func run() {
        while let batch = nextBatch() {
            for session in batch {
                session.drain()
                if simulatedWriteDelay > 0 { Thread.sleep(forTimeInterval: simulatedWriteDelay) }
            }
        }
    }

    private func nextBatch() -> [RecordingSession]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty {
            if stopping {
                started = false
                return nil
            }
            condition.wait()
        }
        let batch = ready
        ready.removeAll(keepingCapacity: true)
        return batch
    }
}
