import Foundation
internal import GRDB

/// Copies the write-ahead log back into the database file on a thread and connection of its
/// own, so that the writer's commits only append to the log.
///
/// With SQLite's automatic checkpoints, every ~1,000 pages one commit also copies the log into
/// the database and fsyncs it, on the writer thread: the connections waiting in
/// `recordDurably` then wait for that too. A PASSIVE checkpoint from another connection never
/// blocks the writer or the readers (it copies what no reader still needs), so running it here
/// takes that work off the durable path without changing what is durable.
final class WALCheckpointer: @unchecked Sendable {
    // `stopping` is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var stopping = false
    private let stopped = DispatchGroup()

    /// Starts checkpointing the database at `path` every `intervalSeconds`.
    init(path: String, intervalSeconds: Double) {
        let condition = condition
        stopped.enter()
        let stopped = stopped
        let thread = Thread { [self] in
            Thread.current.name = "tg-checkpoint"
            self.run(path: path, intervalSeconds: intervalSeconds, condition: condition)
            // Only once the connection is closed: `stop()` promises that nothing is left open.
            stopped.leave()
        }
        thread.start()
    }

    private func run(path: String, intervalSeconds: Double, condition: NSCondition) {
        // Its own connection: a checkpoint on the writer's connection would run on the writer's
        // queue, which is exactly what this avoids. A failed checkpoint is retried next round;
        // SQLite's own checkpoint on close catches up at the end. This alone never completes a
        // log that grows without a pause: the writer's automatic checkpoint does that
        // (`AuditStore.setAutomaticCheckpoint`), with little left to copy.
        let queue = try? DatabaseQueue(path: path)
        while waitForNextRound(intervalSeconds: intervalSeconds, condition: condition) {
            _ = try? queue?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
    }

    /// Stops the thread and waits for it; a checkpoint in progress finishes first.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        stopped.wait()
    }

    /// False once stopping; otherwise waits out the interval.
    private func waitForNextRound(intervalSeconds: Double, condition: NSCondition) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: intervalSeconds)) }
        return !stopping
    }
}
